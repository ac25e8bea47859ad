// Live workers (GET /workers, admin) with their heartbeats and the tasks each holds, and the
// workers this page saw vanish while it was open (the API lists live workers only).
import { get } from '../api.js';
import { fill, h, problem, table } from '../dom.js';
import { age, shortId, time } from '../format.js';

const REFRESH_MS = 2000;

export function render(main) {
  const live = h('section', { id: 'workers-live' });
  const gone = h('section', { id: 'workers-vanished' });
  fill(main, h('h1', {}, 'Workers'), live, gone);
  const seen = new Map();
  const vanished = new Map();

  async function load() {
    try {
      const { workers } = await get('/workers');
      const now = new Set(workers.map(w => w.worker_id));
      for (const [id, w] of seen) if (!now.has(id)) vanished.set(id, { ...w, vanished_at: new Date().toISOString() });
      for (const w of workers) { seen.set(w.worker_id, w); vanished.delete(w.worker_id); }
      for (const id of [...seen.keys()]) if (!now.has(id)) seen.delete(id);
      fill(live, table([
        { label: 'Worker', cell: w => h('span', { class: 'mono' }, w.worker_id) },
        { label: 'Heartbeat', class: 'num', cell: w => `${age(w.last_heartbeat)} ago` },
        { label: 'Tasks held', cell: w => w.tasks.length ? w.tasks.map(taskLink) : '—' },
        { label: 'Concurrency', class: 'num', cell: w => w.concurrency ?? '—' },
        { label: 'State', cell: w => w.draining ? h('span', { class: 'badge waiting' }, 'draining') : h('span', { class: 'badge completed' }, 'live') },
        { label: 'Started', cell: w => time(w.started_at) },
      ], workers, { id: 'workers', rowAttrs: w => ({ 'data-worker': w.worker_id }) }));
      fill(gone, vanished.size ? [h('h2', {}, 'Vanished while this page was open'), table([
        { label: 'Worker', cell: w => h('span', { class: 'mono' }, w.worker_id) },
        { label: 'Last heartbeat', cell: w => time(w.last_heartbeat) },
        { label: 'Held', cell: w => w.tasks.length ? w.tasks.map(taskLink) : '—' },
        { label: 'Gone', cell: w => `${age(w.vanished_at)} ago` },
      ], [...vanished.values()], { id: 'vanished' })] : []);
    } catch (e) {
      fill(live, problem(e));
    }
  }

  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => clearInterval(timer);
}

function taskLink(id) {
  return h('a', { href: `#/tasks/${encodeURIComponent(id)}`, class: 'mono', title: id, style: 'margin-right:.5rem' }, shortId(id));
}
