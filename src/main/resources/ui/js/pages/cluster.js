// The cluster at a glance: tasks by status (GET /stats), their history over the minutes this
// page has been open (charted), throughput as tasks completed per interval, and Redis health
// with the warnings of GET /ready.
import { get } from '../api.js';
import { fill, h, problem } from '../dom.js';
import { chart } from '../chart.js';

const REFRESH_MS = 2000;
const KEEP = 300;   // ten minutes of samples
const STATUSES = ['queued', 'scheduled', 'leased', 'in_progress', 'retrying', 'paused', 'waiting', 'completed', 'failed', 'cancelled'];

export function render(main) {
  const counts = h('div', { class: 'grid', id: 'stats' });
  const health = h('section', { class: 'card', id: 'health' });
  const depthBox = h('div', { class: 'chart', id: 'depth-chart' });
  const rateBox = h('div', { class: 'chart', id: 'rate-chart' });
  fill(main, h('h1', {}, 'Cluster'), counts, health,
    h('div', { class: 'columns' },
      h('section', { class: 'card' }, h('h2', {}, 'Queue depth and running'), depthBox),
      h('section', { class: 'card' }, h('h2', {}, 'Completed per second'), rateBox)));
  const depth = chart(depthBox, { series: [{ label: 'waiting to run' }, { label: 'running' }, { label: 'waiting for input' }] });
  const rate = chart(rateBox, { series: [{ label: 'completed/s' }, { label: 'failed/s' }] });
  const samples = [];

  async function load() {
    try {
      const [s, ready] = await Promise.all([get('/stats'), get('/ready').catch(e => e.problem || { status: 'unavailable', warnings: [e.message] })]);
      fill(counts, h('div', { class: 'stat' }, h('small', {}, 'total'), h('b', {}, s.total_tasks)),
        STATUSES.map(k => h('div', { class: 'stat', 'data-status': k }, h('small', {}, k.replace('_', ' ')), h('b', {}, s[k] ?? 0))));
      fill(health, h('h2', {}, 'Redis'), h('p', {}, h('span', { class: `badge ${ready.status === 'ready' ? 'completed' : 'failed'}` }, ready.status),
        ' ', ready.redis_connected ? 'connected' : 'not connected'),
        ready.warnings?.length ? h('ul', { id: 'ready-warnings' }, ready.warnings.map(w => h('li', {}, w))) : h('p', { class: 'hint' }, 'No warnings.'));
      record(s);
    } catch (e) {
      fill(health, problem(e));
    }
  }

  function record(s) {
    samples.push({ t: Date.now() / 1000, s });
    if (samples.length > KEEP) samples.shift();
    const x = samples.map(p => p.t);
    depth.update([x,
      samples.map(p => p.s.queued + (p.s.scheduled || 0) + p.s.retrying + (p.s.paused || 0)),
      samples.map(p => p.s.leased + p.s.in_progress),
      samples.map(p => p.s.waiting || 0)]);
    const per = key => samples.map((p, i) => i === 0 ? null : Math.max(0, (p.s[key] - samples[i - 1].s[key]) / (p.t - samples[i - 1].t)));
    rate.update([x, per('completed'), per('failed')]);
  }

  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => { clearInterval(timer); depth.destroy(); rate.destroy(); };
}
