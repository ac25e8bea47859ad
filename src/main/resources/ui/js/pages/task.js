// One task: its summary, graph, actions, history (events and steps), checkpoints and LLM calls.
// The task's event stream keeps it live: each event is added to the timeline and the views
// that change with it are read again.
import { get } from '../api.js';
import { followTask } from '../events.js';
import { badge, fill, h, problem } from '../dom.js';
import { age, FINAL, progress, time, usd } from '../format.js';
import { actions } from './task-actions.js';
import { graph } from './task-graph.js';
import { eventRow, stepsTable } from './task-history.js';
import { calls, checkpoints } from './task-data.js';

export function render(main, _params, [id]) {
  const path = `/tasks/${encodeURIComponent(id)}`;
  const summary = h('section', { id: 'task-summary' }, 'Loading…');
  const actionBox = h('section', { id: 'task-actions', class: 'card' });
  const graphBox = h('section', { id: 'task-graph', class: 'card' });
  const steps = h('section', { id: 'task-steps', class: 'card' });
  const events = h('ol', { id: 'task-events', class: 'timeline' });
  const data = h('section', { id: 'task-data' });
  fill(main,
    h('p', {}, h('a', { href: '#/tasks' }, '← Tasks')),
    summary, actionBox,
    h('div', { class: 'columns' },
      h('div', {}, graphBox, steps),
      h('section', { class: 'card' }, h('h2', {}, 'Timeline'), events)),
    data);

  let stopped = false;
  let task = null;
  let pending = null;

  async function load() {
    try {
      const [t, s] = await Promise.all([get(path), get(`${path}/steps`)]);
      if (stopped) return;
      const before = task;
      task = t;
      fill(summary, header(t));
      // Sections are rebuilt only when what they show changed: a form being filled in (an
      // input, a replay) must survive the events of a running task.
      if (changed(before, t, x => [x.status, x.waiting_for?.step, x.step > 0])) fill(actionBox, actions(t, load));
      if (changed(before, t, x => [x.step, x.epoch])) {
        fill(steps, h('h2', {}, 'Steps'), stepsTable(s.steps));
      }
      if (changed(before, t, x => [x.current_node, x.status])) graph(graphBox, t);
      if (before && FINAL.has(before.status) && !FINAL.has(t.status)) follow();   // retried: its stream had ended
      if (!before || (FINAL.has(t.status) && !FINAL.has(before.status))) {
        checkpoints(data, t, s.steps);
        calls(data, t);
      }
    } catch (e) {
      if (!stopped) fill(summary, problem(e));
    }
  }

  // Events come in bursts (a claim, then its steps): one read for each burst is enough.
  function onEvent(event) {
    if (event.type !== 'token') events.append(eventRow(event, events));
    if (pending) return;
    pending = setTimeout(() => { pending = null; load(); }, 150);
  }

  // the whole history comes first on every stream, so the timeline starts over with it
  let stop = () => {};
  function follow() {
    stop();
    events.replaceChildren();
    stop = followTask(id, onEvent);
  }

  load();
  follow();
  return () => {
    stopped = true;
    clearTimeout(pending);
    stop();
  };
}

/** Whether the part of the task that key() picks differs from before (or there was no before). */
function changed(before, now, key) {
  return !before || JSON.stringify(key(before)) !== JSON.stringify(key(now));
}

function header(t) {
  const pct = t.total_steps ? Math.min(100, Math.round(100 * (t.step || 0) / t.total_steps)) : null;
  return [
    h('h1', {}, 'Task ', h('span', { class: 'mono', id: 'task-id' }, t.task_id), ' ', badge(t.status)),
    h('dl', { class: 'facts' },
      fact('Tenant', t.tenant_id),
      fact('Agent', `${t.agent_type}${t.agent_version ? ` @ ${t.agent_version}` : ''}`),
      fact('Type', t.task_type),
      fact('Progress', h('span', { id: 'task-progress' }, progress(t), t.current_node ? ` · next ${t.current_node}` : '')),
      fact('Attempts', `${t.attempts} of ${t.max_attempts}`),
      fact('Epoch', t.epoch ?? '—'),
      fact('Worker', t.owner || '—'),
      fact('Cost', `${usd(t.cost_so_far)}${t.cost_limit !== null ? ` of ${usd(t.cost_limit)}` : ''}`),
      fact('Created', `${time(t.created_at)} (${age(t.created_at)} ago)`),
      t.waiting_for ? fact('Waiting for', `${t.waiting_for.kind} at ${t.waiting_for.node} (step ${t.waiting_for.step})`
        + (t.waiting_for.until ? `, until ${time(t.waiting_for.until)}` : '')) : null,
      t.parent_task_id ? fact('Replay of', h('a', { href: `#/tasks/${encodeURIComponent(t.parent_task_id)}`, class: 'mono' },
        t.parent_task_id), ` after step ${t.replayed_from_step}`) : null,
      t.error ? fact('Error', h('span', { class: 'problem' }, t.error)) : null),
    pct === null ? null : h('div', { class: 'bar', role: 'progressbar', 'aria-valuenow': pct, 'aria-valuemin': 0, 'aria-valuemax': 100 },
      h('span', { style: `width:${pct}%` })),
  ];
}

function fact(label, ...value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, ...value));
}
