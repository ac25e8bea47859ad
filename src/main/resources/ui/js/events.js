// A task's server-sent events, read with fetch rather than EventSource: EventSource cannot send
// the Authorization header. Resumes with Last-Event-ID after a dropped connection; the server
// ends the stream once the task is final, and so do we.
import { authHeaders, keyAfterRefusal } from './api.js';

const RETRY_MS = 2000;

/**
 * Follows /tasks/{id}/events, calling onEvent({id, type, data}) for each event.
 * Returns a function that stops following.
 */
export function followTask(taskId, onEvent) {
  const abort = new AbortController();
  let lastId = null;

  async function connect() {
    const headers = { ...authHeaders(), Accept: 'text/event-stream' };
    if (lastId) headers['Last-Event-ID'] = lastId;
    const response = await fetch(`/tasks/${encodeURIComponent(taskId)}/events`, { headers, signal: abort.signal });
    if (response.status === 401) return (await keyAfterRefusal(response)) ? connect() : undefined;
    if (!response.ok) return;   // unknown or not ours: nothing to follow
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const event = parse(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (!event) continue;
        if (event.id) lastId = event.id;
        onEvent(event);
      }
    }
  }

  (async () => {
    while (!abort.signal.aborted) {
      try {
        await connect();
        return;   // the server ends the stream only after the task's final event
      } catch {
        if (abort.signal.aborted) return;
        await new Promise(r => setTimeout(r, RETRY_MS));   // a dropped connection: resume after lastId
      }
    }
  })();
  return () => abort.abort();
}

function parse(block) {
  const event = { id: null, type: 'message', data: '' };
  let seen = false;
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.type = value;
    else if (field === 'data') event.data += (event.data ? '\n' : '') + value;
    seen = true;
  }
  if (!seen) return null;
  try { event.data = JSON.parse(event.data); } catch { /* keep the text */ }
  return event;
}
