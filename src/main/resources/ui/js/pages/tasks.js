// The tasks table: filters and paging in the URL (#/tasks?status_filter=...&offset=...), rows
// kept live by the task event streams of the running tasks shown, and by a refresh that also
// brings in new tasks.
import { get, query } from '../api.js';
import { followTask } from '../events.js';
import { badge, fill, h, problem, table, tableRow } from '../dom.js';
import { age, FINAL, progress, shortId, usd } from '../format.js';

const PAGE_SIZE = 25;
const REFRESH_MS = 5000;
// Browsers open at most 6 connections to one host over HTTP/1.1: streams for a few running
// tasks leave room for the page's other requests; the refresh covers the rest.
const MAX_STREAMS = 3;
const STATUSES = ['queued', 'scheduled', 'leased', 'in_progress', 'retrying', 'paused', 'waiting', 'completed', 'failed', 'cancelled'];
const FILTERS = [['tenant_id', 'Tenant'], ['agent_type', 'Agent'], ['task_type', 'Type']];

const COLUMNS = [
  { label: 'Task', cell: t => h('a', { href: `#/tasks/${encodeURIComponent(t.task_id)}`, title: t.task_id, class: 'mono' }, shortId(t.task_id)) },
  { label: 'Status', cell: t => badge(t.status) },
  { label: 'Tenant', cell: t => t.tenant_id },
  { label: 'Agent', cell: t => t.agent_type },
  { label: 'Type', cell: t => t.task_type },
  { label: 'Progress', cell: t => h('span', { class: 'progress-text' }, progress(t), t.current_node ? h('small', {}, ` · ${t.current_node}`) : null) },
  { label: 'Attempts', class: 'num', cell: t => `${t.attempts}/${t.max_attempts}` },
  { label: 'Cost', class: 'num', cell: t => usd(t.cost_so_far) },
  { label: 'Age', class: 'num', cell: t => age(t.created_at) },
];

export function render(main, params) {
  const offset = Number(params.offset || 0);
  const results = h('section', { id: 'task-results' });
  fill(main, h('h1', {}, 'Tasks'), filterForm(params), results);
  const streams = new Map();
  const rereads = new Map();
  let stopped = false;

  async function load() {
    try {
      const page = await get(`/tasks${query({ ...pick(params), limit: PAGE_SIZE, offset })}`);
      if (stopped) return;
      fill(results, table(COLUMNS, page.tasks, { id: 'tasks', rowAttrs: t => ({ 'data-task-id': t.task_id }) }),
        pager(params, offset, page));
      follow(page.tasks.filter(t => !FINAL.has(t.status)).slice(0, MAX_STREAMS));
    } catch (e) {
      if (!stopped) fill(results, problem(e));
    }
  }

  // A streamed event says the task changed: its row is read again through GET /tasks/{id},
  // once per burst (a stream opens with the task's whole history).
  function follow(live) {
    const ids = new Set(live.map(t => t.task_id));
    for (const [id, stop] of streams) {
      if (!ids.has(id)) { stop(); streams.delete(id); }   // finished, or no longer on this page
    }
    for (const t of live) {
      if (streams.has(t.task_id)) continue;
      streams.set(t.task_id, followTask(t.task_id, () => {
        if (rereads.has(t.task_id)) return;
        rereads.set(t.task_id, setTimeout(() => refreshRow(t.task_id), 150));
      }));
    }
  }

  async function refreshRow(id) {
    rereads.delete(id);
    const row = results.querySelector(`tr[data-task-id="${CSS.escape(id)}"]`);
    if (!row || stopped) return;
    try {
      const t = await get(`/tasks/${encodeURIComponent(id)}`);
      row.replaceWith(tableRow(COLUMNS, t, { 'data-task-id': t.task_id }));
    } catch { /* the next refresh shows it */ }
  }

  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const stop of streams.values()) stop();
    for (const t of rereads.values()) clearTimeout(t);
  };
}

function pick(params) {
  const out = {};
  for (const k of ['status_filter', ...FILTERS.map(f => f[0])]) if (params[k]) out[k] = params[k];
  return out;
}

function filterForm(params) {
  const form = h('form', { class: 'filters', id: 'task-filters' },
    h('label', {}, 'Status ', h('select', { name: 'status_filter' },
      h('option', { value: '' }, 'any'),
      STATUSES.map(s => h('option', { value: s, selected: params.status_filter === s }, s)))),
    FILTERS.map(([name, label]) => h('label', {}, `${label} `, h('input', { name, value: params[name] || '', size: 12 }))),
    h('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    location.hash = `#/tasks${query(values)}`;
  });
  return form;
}

function pager(params, offset, page) {
  const to = offset + page.tasks.length;
  const total = page.total < 0 ? 'many' : page.total;
  const link = (label, at, enabled) => enabled
    ? h('a', { href: `#/tasks${query({ ...pick(params), offset: at || undefined })}`, class: 'button' }, label)
    : h('span', { class: 'button disabled' }, label);
  return h('nav', { class: 'pager' },
    link('← Newer', Math.max(0, offset - PAGE_SIZE), offset > 0),
    h('span', {}, page.tasks.length ? `${offset + 1}–${to} of ${total}` : `0 of ${total}`),
    link('Older →', to, page.next_cursor !== null && to < 10000));
}
