// What a task produced: the state after any committed step (its checkpoint) and its LLM calls.
import { get } from '../api.js';
import { fill, h, json, problem, table } from '../dom.js';
import { ms, time, usd } from '../format.js';

export function checkpoints(container, task, steps) {
  const box = section(container, 'task-checkpoint', 'Checkpoint');
  const view = h('div', { id: 'checkpoint-view' });
  const select = h('select', { id: 'checkpoint-step' },
    h('option', { value: 0 }, '0: the params'),
    steps.map(s => h('option', { value: s.step }, `${s.step}: after ${s.node}`)));
  async function show() {
    try {
      const c = await get(`/tasks/${encodeURIComponent(task.task_id)}/checkpoint?step=${select.value}`);
      fill(view, c.checkpoint ? [h('p', { class: 'hint' }, `after step ${c.checkpoint.step} (${c.checkpoint.node ?? 'start'}), next ${c.checkpoint.next_node ?? 'none'}`),
        json(c.checkpoint.state)] : h('p', { class: 'hint' }, 'No checkpoint yet.'));
    } catch (e) {
      fill(view, problem(e));
    }
  }
  select.value = steps.length ? steps[steps.length - 1].step : 0;
  select.addEventListener('change', show);
  box.append(h('label', {}, 'State after step ', select), view);
  show();
}

export async function calls(container, task) {
  const box = section(container, 'task-calls', 'LLM calls');
  try {
    const c = await get(`/tasks/${encodeURIComponent(task.task_id)}/calls`);
    box.append(table([
      { label: 'Step', class: 'num', cell: x => x.step ?? '—' },
      { label: 'Model', cell: x => x.model },
      { label: 'Tokens in/out', class: 'num', cell: x => `${x.input_tokens ?? 0} / ${x.output_tokens ?? 0}` },
      { label: 'Cost', class: 'num', cell: x => usd(x.cost_usd) },
      { label: 'Latency', class: 'num', cell: x => ms(x.latency_ms) },
      { label: 'Epoch', class: 'num', cell: x => x.epoch ?? '—' },
      { label: 'Worker', cell: x => x.worker_id ?? '—' },
      { label: 'At', cell: x => time(x.recorded_at) },
    ], c.calls, { id: 'calls' }), h('p', { class: 'hint' }, `Total ${usd(c.cost_so_far)}`));
  } catch (e) {
    box.append(problem(e));
  }
}

/** The section with this id, emptied, created on first use. */
function section(container, id, title) {
  let box = container.querySelector(`#${id}`);
  if (!box) container.append(box = h('section', { id, class: 'card' }));
  return fill(box, h('h2', {}, title));
}
