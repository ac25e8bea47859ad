// A task's history as the API gives it: the committed steps (with the lease epoch and worker
// that committed each) and the events of its stream (claims, waits, expiries, retries, ...).
import { h, json, table } from '../dom.js';
import { ms, time } from '../format.js';

/** Steps with their epochs; a step under a new epoch by another worker marks a takeover. */
export function stepsTable(steps) {
  const rows = steps.map((s, i) => {
    const prev = steps[i - 1];
    return {
      ...s,
      duration: prev ? Date.parse(s.committed_at) - Date.parse(prev.committed_at) : null,
      takeover: prev && prev.epoch !== s.epoch && prev.worker_id !== s.worker_id,
      newEpoch: prev && prev.epoch !== s.epoch,
    };
  });
  return table([
    { label: 'Step', class: 'num', cell: s => s.step },
    { label: 'Node', cell: s => s.node },
    { label: 'Epoch', class: 'num', cell: s => h('span', { class: s.newEpoch ? 'epoch new' : 'epoch' }, s.epoch) },
    { label: 'Worker', cell: s => [h('span', { class: 'mono' }, s.worker_id), s.takeover ? h('span', { class: 'tag takeover' }, 'takeover') : null] },
    { label: 'Committed', cell: s => time(s.committed_at) },
    // how long the node ran (duration_ms, step records of schema 2), then the gap between commits,
    // which adds claims, waits and takeovers to it
    { label: 'Ran', class: 'num', cell: s => ms(s.duration_ms ?? null) },
    { label: 'After previous', class: 'num', cell: s => ms(s.duration) },
  ], rows, { id: 'steps', rowAttrs: s => ({ 'data-step': s.step, 'data-epoch': s.epoch }) });
}

// The fields worth a glance for each kind of event; the rest is in the title.
const SHOWN = ['op', 'epoch', 'worker_id', 'step', 'node', 'next', 'kind', 'status', 'reason', 'error', 'model', 'cost_usd',
  'reply', 'current_epoch'];

/** One timeline entry. A claim after an expiry is a takeover: the expired holder is fenced out. */
export function eventRow(event, list) {
  const d = typeof event.data === 'object' && event.data ? event.data : {};
  const takeover = event.type === 'claimed' && expiredSinceLastClaim(list);
  const worker = d.worker_id || (d.claim ? d.claim.split(':')[0] : null);
  const details = SHOWN.filter(k => d[k] !== undefined && d[k] !== '' && k !== 'worker_id')
    .map(k => h('span', { class: 'kv' }, `${k} ${typeof d[k] === 'object' ? JSON.stringify(d[k]) : d[k]}`));
  return h('li', { class: `event ${event.type}${takeover ? ' takeover' : ''}`, 'data-type': event.type, title: JSON.stringify(d) },
    h('time', {}, d.at ? time(d.at) : ''),
    h('strong', {}, takeover ? 'claimed (takeover)' : event.type.replace(/_/g, ' ')),
    worker ? h('span', { class: 'kv mono' }, worker) : null,
    details,
    d.output !== undefined ? h('details', { class: 'output' }, h('summary', {}, 'output'), json(d.output)) : null);
}

/** Whether a lease expired after the latest claim in the list (events between them may be requeues). */
function expiredSinceLastClaim(list) {
  for (let e = list.lastElementChild; e; e = e.previousElementSibling) {
    if (e.dataset.type === 'claimed') return false;
    if (e.dataset.type === 'expired') return true;
  }
  return false;
}
