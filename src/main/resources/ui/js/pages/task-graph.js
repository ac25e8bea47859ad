// The task's pinned graph (GET /agents/{agent}/versions/{version}) drawn as its nodes in run
// order with their edges, the next node highlighted. Graphs that branch show every edge's
// target beside its node; a line reads as a line.
import { get } from '../api.js';
import { fill, h } from '../dom.js';

const cache = new Map();

export async function graph(box, task) {
  if (!task.agent_version) return fill(box, h('h2', {}, 'Graph'), h('p', { class: 'hint' }, 'No pinned version.'));
  const key = `${task.agent_type}/${task.agent_version}`;
  try {
    if (!cache.has(key)) cache.set(key, get(`/agents/${encodeURIComponent(task.agent_type)}/versions/${task.agent_version}`));
    const version = await cache.get(key);
    fill(box, h('h2', {}, 'Graph'), drawing(version.graph, task));
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
