// The hash router: #/tasks, #/tasks/<id>, #/workers, #/tenants, #/cluster. Each page module
// exports render(main, params, path) and returns a function that stops its polling and streams.
import { currentKey, forgetKey, keyChanged } from './keys.js';
import { get } from './api.js';
import * as tasks from './pages/tasks.js';
import * as task from './pages/task.js';
import * as workers from './pages/workers.js';
import * as tenants from './pages/tenants.js';
import * as cluster from './pages/cluster.js';

const PAGES = { tasks, workers, tenants, cluster };
const main = document.getElementById('page');
let stopPage = () => {};

function route() {
  const [path, q] = (location.hash.slice(1) || '/tasks').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(q || ''));
  stopPage();
  main.replaceChildren();
  const name = parts[0] in PAGES ? parts[0] : 'tasks';
  const page = name === 'tasks' && parts[1] ? task : PAGES[name];
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.toggleAttribute('aria-current', a.dataset.nav === name);
  }
  main.dataset.page = page === task ? 'task' : name;
  stopPage = page.render(main, params, parts.slice(1)) || (() => {});
}

// Whose key this tab holds: a tenant key's stats name its tenant. Read once per key.
let whoFor = null;
async function showWho() {
  const key = currentKey();
  const who = document.getElementById('who');
  if (key === whoFor) return;
  whoFor = key;
  who.textContent = '';
  if (!key) return;
  const stats = await get('/stats').catch(() => null);
  if (stats && currentKey() === key) who.textContent = stats.tenant_id ? `tenant ${stats.tenant_id}` : 'all tenants';
}

document.getElementById('forget-key').addEventListener('click', () => {
  forgetKey();
  route();
});
window.addEventListener('hashchange', route);
window.addEventListener('sentinel:key', showWho);
keyChanged();
route();
