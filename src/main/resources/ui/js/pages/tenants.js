// One tenant: its LLM spend per day (chart) and per model, its daily budget and how much of it
// today used, its limits (editable with an admin key) and its tasks by status.
import { get, put, query } from '../api.js';
import { fill, h, problem, table } from '../dom.js';
import { usd } from '../format.js';
import { chart } from '../chart.js';

const LIMITS = [
  ['submit_rate', 'Submissions per second'], ['submit_burst', 'Submission burst'],
  ['max_queued', 'Max queued'], ['max_running', 'Max running'], ['daily_budget_usd', 'Daily budget (USD)'],
  ['llm_rpm', 'LLM requests per minute'], ['llm_tpm', 'LLM tokens per minute'],
];

export function render(main, params) {
  const body = h('div', { id: 'tenant' });
  const input = h('input', { name: 'tenant', id: 'tenant-id', value: params.tenant || '', required: true, size: 16 });
  const form = h('form', { class: 'filters', onsubmit: e => {
    e.preventDefault();
    location.hash = `#/tenants${query({ tenant: input.value.trim() })}`;
  } }, h('label', {}, 'Tenant ', input), h('button', { type: 'submit' }, 'Show'));
  fill(main, h('h1', {}, 'Tenants'), form, body);
  const charts = [];
  (async () => {
    let tenant = params.tenant;
    if (!tenant) {
      // a tenant key's stats name its tenant: show it at once
      tenant = (await get('/stats').catch(() => ({}))).tenant_id;
      if (!tenant) return fill(body, h('p', { class: 'hint' }, 'Enter a tenant id.'));
      input.value = tenant;
    }
    show(body, tenant, charts).catch(e => fill(body, problem(e)));
  })();
  return () => charts.forEach(c => c.destroy());
}

async function show(body, tenant, charts) {
  const t = encodeURIComponent(tenant);
  const [costs, limits, stats, bucket] = await Promise.all([get(`/tenants/${t}/costs`), get(`/tenants/${t}/limits`),
    get(`/stats${query({ tenant_id: tenant })}`), get(`/tenants/${t}/rate-limit`)]);
  const days = (costs.days || []).slice().sort((a, b) => a.date.localeCompare(b.date));
  const today = days.find(d => d.date === new Date().toISOString().slice(0, 10));
  const spentToday = today ? today.cost_usd : 0;
  const budget = limits.daily_budget_usd;
  const dayChart = h('div', { class: 'chart', id: 'cost-chart' });
  fill(body,
    h('div', { class: 'grid' },
      stat('Total cost', usd(costs.total_cost_usd)),
      stat('Tasks', costs.task_count),
      stat('Average per task', usd(costs.average_cost_usd)),
      stat('Today / daily budget', `${usd(spentToday)} / ${budget === null ? 'none' : usd(budget)}`),
      stat('Queued (waiting to run)', (stats.queued || 0) + (stats.scheduled || 0) + (stats.retrying || 0) + (stats.paused || 0)),
      stat('Running', (stats.leased || 0) + (stats.in_progress || 0))),
    h('div', { class: 'columns' },
      h('section', { class: 'card' }, h('h2', {}, 'Cost per day'), days.length ? dayChart : h('p', { class: 'hint' }, 'No LLM spend yet.')),
      h('section', { class: 'card' }, h('h2', {}, 'Cost per model'), table([
        { label: 'Model', cell: m => m.model },
        { label: 'Calls', class: 'num', cell: m => m.calls },
        { label: 'Tokens in/out', class: 'num', cell: m => `${m.input_tokens} / ${m.output_tokens}` },
        { label: 'Cost', class: 'num', cell: m => usd(m.cost_usd) },
      ], costs.models || [], { id: 'models' }))),
    limitsCard(tenant, limits, bucket));
  if (days.length) {
    const c = chart(dayChart, { series: [{ label: 'USD', value: (u, v) => v === null ? '—' : usd(v) }], bars: true,
      xLabels: days.map(d => d.date), yFormat: usd });
    c.update([days.map((_, i) => i), days.map(d => d.cost_usd)]);
    charts.push(c);
  }
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('small', {}, label), h('b', {}, value));
}

function limitsCard(tenant, limits, bucket) {
  const note = h('p', { class: 'note', role: 'status' });
  const inputs = LIMITS.map(([k]) => h('input', { name: k, value: limits[k] ?? '', placeholder: 'default', size: 10, inputmode: 'decimal' }));
  const form = h('form', { id: 'limits-form', onsubmit: async e => {
    e.preventDefault();
    const update = {};
    LIMITS.forEach(([k], i) => {
      const v = inputs[i].value.trim();
      const before = limits[k] ?? '';
      if (v !== String(before)) update[k] = v === '' ? null : Number(v);
    });
    if (!Object.keys(update).length) { note.textContent = 'Nothing changed.'; return; }
    try {
      Object.assign(limits, await put(`/tenants/${encodeURIComponent(tenant)}/limits`, update));
      note.className = 'note';
      note.textContent = 'Saved.';
    } catch (err) {
      note.className = 'note problem';
      note.textContent = `${err.status}: ${err.message}`;
    }
  } },
  table([
    { label: 'Limit', cell: ([, label]) => label },
    { label: 'Value (empty: default, 0: unlimited)', cell: ([, , i]) => inputs[i] },
    { label: 'Set for this tenant', cell: ([k]) => (limits.own || []).includes(k) ? 'yes' : 'default' },
  ], LIMITS.map(([k, label], i) => [k, label, i])),
  h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Save limits (admin)')), note);
  const rate = bucket.refill_rate > 0
    ? `${Math.floor(bucket.tokens)} of ${bucket.capacity} submissions available now, refilling ${bucket.refill_rate}/s (${bucket.source})`
    : 'no submission rate limit';
  return h('section', { class: 'card' }, h('h2', {}, 'Limits'), h('p', { class: 'hint', id: 'rate-bucket' }, `Rate limit bucket: ${rate}.`), form);
}
