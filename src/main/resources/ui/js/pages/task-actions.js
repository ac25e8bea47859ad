// What a caller may do to a task, offered only where the API allows it: cancel a task that is
// not final, retry a failed or cancelled one, give input to one waiting for it, replay from a step.
import { del, post } from '../api.js';
import { h } from '../dom.js';
import { FINAL } from '../format.js';

export function actions(task, reload) {
  const path = `/tasks/${encodeURIComponent(task.task_id)}`;
  const note = h('p', { class: 'note', id: 'action-result', role: 'status' });

  async function act(what, call) {
    note.className = 'note';
    note.textContent = `${what}…`;
    try {
      const answer = await call();
      note.textContent = answer?.message || `${what}: done`;
      if (answer?.task_id && answer.task_id !== task.task_id) {
        location.hash = `#/tasks/${encodeURIComponent(answer.task_id)}`;   // a replay is a new task
      } else {
        reload();
      }
    } catch (e) {
      note.className = 'note problem';
      note.textContent = `${what}: ${e.status ? `${e.status} ` : ''}${e.message}${fieldErrors(e)}`;
    }
  }

  const buttons = h('div', { class: 'buttons' },
    FINAL.has(task.status) ? null
      : h('button', { type: 'button', id: 'cancel-task', class: 'danger', onclick: () => act('Cancel', () => del(path)) }, 'Cancel task'),
    task.status === 'failed' || task.status === 'cancelled'
      ? h('button', { type: 'button', id: 'retry-task', onclick: () => act('Retry', () => post(`${path}/retry`)) }, 'Retry')
      : null);

  return [h('h2', {}, 'Actions'), buttons,
    task.status === 'waiting' && task.waiting_for?.kind === 'input' ? inputForm(path, act) : null,
    task.step > 0 ? replayForm(path, task, act) : null,
    note];
}

function inputForm(path, act) {
  const text = h('textarea', { id: 'input-data', rows: 3, spellcheck: 'false' }, '{}');
  return h('form', { id: 'input-form', class: 'inline', onsubmit: e => {
    e.preventDefault();
    const data = parsed(text.value);
    if (data) act('Input', () => post(`${path}/input`, { data }));
  } },
  h('label', {}, 'Input (JSON) for the waiting node', text),
  h('button', { type: 'submit', id: 'give-input' }, 'Give input'));
}

function replayForm(path, task, act) {
  const step = h('input', { type: 'number', id: 'replay-step', min: 0, value: Math.max(0, task.step - 1) });
  const params = h('input', { id: 'replay-params', placeholder: '{"key": "new value"} (optional)', spellcheck: 'false' });
  return h('form', { id: 'replay-form', class: 'inline', onsubmit: e => {
    e.preventDefault();
    const body = { from_step: Number(step.value) };
    if (params.value.trim()) {
      body.task_params = parsed(params.value);
      if (!body.task_params) return;
    }
    act('Replay', () => post(`${path}/replay`, body));
  } },
  h('label', {}, 'Replay from step', step),
  h('label', {}, 'with params', params),
  h('button', { type: 'submit', id: 'replay-task' }, 'Replay'));
}

/** JSON from a field, or null after saying why not. */
function parsed(text) {
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch { /* said below */ }
  const note = document.getElementById('action-result');
  note.className = 'note problem';
  note.textContent = 'Not a JSON object.';
  return null;
}

function fieldErrors(e) {
  const errors = e.problem?.errors;
  if (!Array.isArray(errors) || !errors.length) return '';
  return ` (${errors.map(x => `${x.field}: ${x.message}`).join('; ')})`;
}
