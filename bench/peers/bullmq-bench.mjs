// BullMQ peer of Sentinel's backlog benchmark: N jobs are queued first (Queue.addBulk), then
// one Worker with the given concurrency drains them; each job checkpoints S times with
// job.updateData (BullMQ's way to persist progress) and returns. Measured over the drain only:
// steps/s, latencies, Redis commands per step (INFO commandstats: every command, including those
// called inside Lua scripts, and EVALSHA/EVAL round trips alone), Redis CPU per step.
// Prints the same Markdown table as SuiteBench and a RESULT line for bench/compare.sh.
// With --warmup W, W jobs run first on the same Worker, which is then paused while the backlog
// is queued and resumed for the measured drain (as Sentinel's workers are SIGSTOPped).
//   node bullmq-bench.mjs --port 6390 --jobs 2000 --steps 5 --concurrency 64 [--warmup 400]
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, v, i, all) =>
  (v.startsWith('--') ? [...pairs, [v.slice(2), all[i + 1]]] : pairs), []));
const port = Number(args.port), jobs = Number(args.jobs ?? 2000), steps = Number(args.steps ?? 5);
const concurrency = Number(args.concurrency ?? 64), warmup = Number(args.warmup ?? 0);
if (!port) throw new Error('--port is required');

const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
const probe = new Redis(connection);          // the benchmark's own connection: INFO only

async function snapshot() {
  const info = await probe.info('cpu', 'commandstats');
  let cpu = 0;
  const calls = {}, usec = {};
  for (const line of info.split(/\r?\n/)) {
    if (line.startsWith('used_cpu_sys:') || line.startsWith('used_cpu_user:')) cpu += Number(line.split(':')[1]);
    const m = /^cmdstat_([^:|]+)(?:\|[^:]*)?:calls=(\d+)/.exec(line);
    if (m) calls[m[1]] = (calls[m[1]] ?? 0) + Number(m[2]);
    const u = /^cmdstat_([^:|]+)(?:\|[^:]*)?:.*usec=(\d+),/.exec(line);
    if (u) usec[u[1]] = (usec[u[1]] ?? 0) + Number(u[2]);
  }
  return { cpu, calls, usec };
}

function delta(before, after) {
  const out = {};
  for (const [k, v] of Object.entries(after.calls)) {
    const n = v - (before.calls[k] ?? 0);
    if (n > 0 && k !== 'info') out[k] = n;   // the probe sends INFO only; scripts never do
  }
  return out;
}

const pct = (sorted, p) => sorted.length ? sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1))] : -1;
const fmt = (v, d = 0) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

const queue = new Queue('bench', { connection });
async function addJobs(n) {
  for (let i = 0; i < n; i += 1000) {
    const chunk = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) chunk.push({ name: 'noop', data: { tenant: `tenant-${j % 8}`, steps } });
    await queue.addBulk(chunk);
  }
}
const worker = new Worker('bench', async job => {
  for (let k = 1; k <= job.data.steps; k++) await job.updateData({ ...job.data, step: k });
  return { steps: job.data.steps };
}, { connection, concurrency, autorun: false });
await worker.waitUntilReady();

let measuring = false, warmedUp = 0;
const submitToDone = [], claimToDone = [];
let lastFinished = 0, failed = 0;
let warm, drained;
const warmDone = new Promise(resolve => { warm = resolve; });
const drainDone = new Promise(resolve => { drained = resolve; });
worker.on('completed', job => {
  if (!measuring) {
    if (++warmedUp >= warmup) warm();
    return;
  }
  const finished = job.finishedOn ?? Date.now();
  lastFinished = Math.max(lastFinished, finished);
  submitToDone.push(finished - job.timestamp);
  claimToDone.push(finished - job.processedOn);
  if (submitToDone.length + failed >= jobs) drained();
});
worker.on('failed', (job, err) => {
  failed++;
  console.error('job failed:', err?.message);
  if (measuring && submitToDone.length + failed >= jobs) drained();
});

if (warmup > 0) {
  await addJobs(warmup);
  worker.run();
  await warmDone;
  await worker.pause();          // waits for active jobs; the backlog is queued while paused
}
await addJobs(jobs);
measuring = true;
const before = await snapshot();
const start = Date.now();
if (warmup > 0) worker.resume(); else worker.run();
await drainDone;
const after = await snapshot();
if (failed) throw new Error(`${failed} job(s) failed`);

const byCommand = delta(before, after);
const totalSteps = jobs * steps;
const commands = Object.values(byCommand).reduce((a, b) => a + b, 0);
const evalsha = (byCommand.evalsha ?? 0) + (byCommand.eval ?? 0);
const seconds = (lastFinished - start) / 1000;
const cpuUs = (after.cpu - before.cpu) * 1e6 / totalSteps;
// Redis' own timing of the script calls (commandstats usec; includes the commands they call)
const scriptUs = ['evalsha', 'eval'].reduce((a, k) => a + (after.usec[k] ?? 0) - (before.usec[k] ?? 0), 0) / totalSteps;
submitToDone.sort((a, b) => a - b);
claimToDone.sort((a, b) => a - b);
const mem = process.memoryUsage();

console.log(`\n### BullMQ ${(await import('bullmq/package.json', { with: { type: 'json' } })).default.version}, backlog, one Worker (Node ${process.version})\n`);
console.log('| worker processes × concurrency | in flight | mode | S | jobs | jobs/s | steps/s | submit → completed p50 / p99 | claim → completed p50 / p99 | EVALSHA / step | commands / step (incl. in scripts) | Redis CPU / step |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
console.log(`| 1 × ${concurrency} | ${concurrency} | backlog | ${steps} | ${fmt(jobs)} | ${fmt(jobs / seconds)} | ${fmt(totalSteps / seconds)} | `
  + `${pct(submitToDone, 50)} / ${pct(submitToDone, 99)} ms | ${pct(claimToDone, 50)} / ${pct(claimToDone, 99)} ms | `
  + `${fmt(evalsha / totalSteps, 2)} | ${fmt(commands / totalSteps, 1)} | ${fmt(cpuUs, 1)} µs |`);
console.log(`\n| process | heap used / total | RSS | peak RSS |\n|---|---|---|---|`);
console.log(`| node worker | ${fmt(mem.heapUsed / 1048576)} MB / ${fmt(mem.heapTotal / 1048576)} MB | ${fmt(mem.rss / 1048576)} MB | ${fmt(process.resourceUsage().maxRSS / 1024)} MB |`);
const top = Object.entries(byCommand).sort((a, b) => b[1] - a[1]).slice(0, 10)
  .map(([k, v]) => `${k} ${(v / totalSteps).toFixed(2)}`).join(', ');
console.log(`\nCommands per step, most frequent (incl. inside scripts): ${top}\n`);
console.log(`RESULT system=bullmq mode=backlog processes=1_x_${concurrency} in_flight=${concurrency} steps=${steps} tasks=${jobs} `
  + `seconds=${seconds.toFixed(3)} steps_per_s=${(totalSteps / seconds).toFixed(1)} tasks_per_s=${(jobs / seconds).toFixed(1)} `
  + `cmds_per_step=${(commands / totalSteps).toFixed(3)} evalsha_per_step=${(evalsha / totalSteps).toFixed(3)} cpu_us_per_step=${cpuUs.toFixed(2)} script_us_per_step=${scriptUs.toFixed(2)}`);

await worker.close();
await queue.close();
probe.disconnect();
