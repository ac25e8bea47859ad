// How values read on every page.

export const FINAL = new Set(['completed', 'failed', 'cancelled']);

export function usd(n) {
  if (n === null || n === undefined) return '—';
  return `$${Number(n).toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 4)}`;
}

/** "3 s", "4 min", "2 h", "5 d" since an ISO time (or until it, for a future one). */
export function age(iso, now = Date.now()) {
  if (!iso) return '—';
  const s = Math.round(Math.abs(now - Date.parse(iso)) / 1000);
  const text = s < 60 ? `${s} s` : s < 3600 ? `${Math.round(s / 60)} min` : s < 86400 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} d`;
  return Date.parse(iso) > now ? `in ${text}` : text;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(typeof iso === 'number' ? iso : Date.parse(iso));
  return d.toLocaleString(undefined, { hour12: false });
}

export function ms(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(n < 10000 ? 2 : 1)} s`;
}

export function progress(task) {
  const total = task.total_steps ? ` of ${task.total_steps}` : '';
  return `step ${task.step ?? 0}${total}`;
}

export function shortId(id) {
  return id && id.length > 13 ? `${id.slice(0, 8)}…` : id;
}
