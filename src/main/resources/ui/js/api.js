// Every request goes to the public API on the same origin, with the session's key if any.
// A 401 asks for a key and tries once more with it.
import { askForKey, currentKey, forgetKey } from './keys.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function authHeaders() {
  const key = currentKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function send(method, path, body) {
  const headers = { ...authHeaders(), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** Asks for a (new) key after a 401; false when the person gave none. */
export async function keyAfterRefusal(response) {
  const problem = await response.json().catch(() => null);
  if (currentKey()) forgetKey();
  const reason = problem?.detail || 'This Sentinel needs an API key.';
  return (await askForKey(reason)) !== null;
}

async function request(method, path, body) {
  let response = await send(method, path, body);
  while (response.status === 401 && await keyAfterRefusal(response)) {
    response = await send(method, path, body);
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

export const get = path => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = path => request('DELETE', path);

/** A query string from the non-empty entries of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
