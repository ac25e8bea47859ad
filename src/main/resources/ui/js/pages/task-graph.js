// The task's pinned graph (GET /agents/{agent}/versions/{version}) drawn as its nodes in run
// order with their edges, the next node highlighted. Graphs that branch show every edge's
// target beside its node; a line reads as a line. A graph that branches (or loops) is also drawn
// as a diagram laid out by dagre (from its webjar; window.dagre), the list folded under it.
import { get } from '../api.js';
import { fill, h } from '../dom.js';

const cache = new Map();

export async function graph(box, task) {
  if (!task.agent_version) return fill(box, h('h2', {}, 'Graph'), h('p', { class: 'hint' }, 'No pinned version.'));
  const key = `${task.agent_type}/${task.agent_version}`;
  try {
    if (!cache.has(key)) cache.set(key, get(`/agents/${encodeURIComponent(task.agent_type)}/versions/${task.agent_version}`));
    const version = await cache.get(key);
    const picture = branches(version.graph) ? diagram(version.graph, task) : null;
    fill(box, h('h2', {}, 'Graph'), picture
      ? [picture, h('details', { class: 'graph-list' }, h('summary', {}, 'nodes as a list'), drawing(version.graph, task))]
      : drawing(version.graph, task));
  } catch (e) {
    cache.delete(key);
    fill(box, h('h2', {}, 'Graph'), h('p', { class: 'hint' }, `Graph unavailable: ${e.message}`));
  }
}

function drawing(g, task) {
  const byName = new Map(g.nodes.map(n => [n.name, n]));
  const order = runOrder(g, byName);
  const edgesFrom = name => g.edges.filter(e => e.from === name);
  const done = task.status === 'completed';
  return h('ol', { class: 'graph', 'aria-label': 'graph nodes in run order' },
    order.map(name => {
      const n = byName.get(name);
      const out = edgesFrom(name);
      const branches = out.length > 1 || out.some(e => e.when || e.on);
      const current = !done && name === task.current_node;
      return h('li', { class: `node${current ? ' current' : ''}`, 'data-node': name, 'aria-current': current ? 'step' : null },
        h('strong', {}, name), h('small', {}, n?.kind || ''),
        branches ? h('ul', { class: 'edges' }, out.map(e => h('li', {}, `→ ${e.to}${e.on ? ` on ${e.on}` : ''}${e.when ? ` when ${JSON.stringify(e.when)}` : ''}`))) : null);
    }));
}

/** Breadth-first from the entry, then any node not reached (kept versions may hold some). */
function runOrder(g, byName) {
  const seen = [];
  const queue = [g.entry];
  while (queue.length) {
    const name = queue.shift();
    if (!name || seen.includes(name) || !byName.has(name)) continue;
    seen.push(name);
    for (const e of g.edges) if (e.from === name) queue.push(e.to);
  }
  return [...seen, ...[...byName.keys()].filter(n => !seen.includes(n))];
}

/** Past this many nodes a diagram is unreadable at a page's width; the list says it better. */
const MAX_DRAWN = 40;
const SVG = 'http://www.w3.org/2000/svg';

/** Whether any node has more than one way out, a condition, or an edge back (an agent loop). */
function branches(g) {
  return g.edges.some(e => e.when || e.on || e.from === e.to)
    || g.nodes.some(n => g.edges.filter(e => e.from === n.name).length > 1);
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** dagre places the nodes in layers and routes the edges; this only turns its numbers into SVG. */
function diagram(g, task) {
  const dagre = window.dagre;
  if (!dagre || g.nodes.length > MAX_DRAWN) return null;
  const layout = new dagre.graphlib.Graph({ multigraph: true });
  layout.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 36, edgesep: 10, marginx: 6, marginy: 6 });
  layout.setDefaultEdgeLabel(() => ({}));
  for (const n of g.nodes) {
    layout.setNode(n.name, { width: 20 + 7.2 * Math.max(n.name.length, (n.kind || '').length), height: 40 });
  }
  // a labelled edge gets room for its label in the layout (dagre places it: x, y)
  g.edges.forEach((e, i) => {
    const label = edgeLabel(e);
    layout.setEdge(e.from, e.to, label ? { label, width: 6.2 * label.length, height: 14, labelpos: 'c' } : {}, `e${i}`);
  });
  dagre.layout(layout);
  const { width, height } = layout.graph();
  const done = task.status === 'completed';
  const arrow = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
    orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }));
  const edges = layout.edges().map(id => {
    const e = layout.edge(id);
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    return svg('g', { class: 'edge' }, svg('path', { d, 'marker-end': 'url(#arrow)' }),
      e.label ? svg('text', { x: e.x, y: e.y + 4, 'text-anchor': 'middle', class: 'edge-label' }, e.label) : null);
  });
  const nodes = g.nodes.map(n => {
    const p = layout.node(n.name);
    const current = !done && n.name === task.current_node;
    return svg('g', { class: `dnode${current ? ' current' : ''}`, 'data-node': n.name, transform: `translate(${p.x - p.width / 2},${p.y - p.height / 2})` },
      svg('rect', { width: p.width, height: p.height, rx: 6 }),
      svg('text', { x: p.width / 2, y: 17, 'text-anchor': 'middle', class: 'name' }, n.name),
      svg('text', { x: p.width / 2, y: 32, 'text-anchor': 'middle', class: 'kind' }, n.kind || ''));
  });
  return svg('svg', { class: 'graph-diagram', viewBox: `0 0 ${Math.ceil(width)} ${Math.ceil(height)}`,
    width: Math.ceil(width), role: 'img', 'aria-label': `graph of ${g.name}` }, svg('defs', {}, arrow), edges, nodes);
}

/** What decides an edge, in a few characters: `urgent?`, `timeout`, `again` (a loop). */
function edgeLabel(e) {
  if (e.on) return e.on;
  if (e.from === e.to) return 'again';
  if (!e.when) return '';
  const value = e.when.value === undefined || e.when.value === null ? '' : ` ${e.when.value}`;
  return `${e.when.op}${value}`.slice(0, 24);
}
