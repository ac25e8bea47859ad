// The API key lives in sessionStorage only: it goes when the tab closes, never to disk.
const STORE = 'sentinel.apiKey';

export function currentKey() {
  return sessionStorage.getItem(STORE);
}

export function forgetKey() {
  sessionStorage.removeItem(STORE);
  keyChanged();
}

let pending = null;

/** Asks for a key once, however many requests were refused meanwhile; resolves with it. */
export function askForKey(reason) {
  if (pending) return pending;
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  document.getElementById('key-reason').textContent = reason;
  input.value = '';
  pending = new Promise(resolve => {
    dialog.addEventListener('close', () => {
      const key = input.value.trim();
      pending = null;
      if (key) sessionStorage.setItem(STORE, key);
      keyChanged();
      resolve(key || null);
    }, { once: true });
  });
  dialog.showModal();
  return pending;
}

/** Shows whether the tab holds a key, and tells the page (the 'sentinel:key' event). */
export function keyChanged() {
  document.getElementById('forget-key').hidden = !currentKey();
  window.dispatchEvent(new Event('sentinel:key'));
}
