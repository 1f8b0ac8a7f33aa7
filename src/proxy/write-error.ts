import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RxllmError } from '../errors/rxllm-error.js';

/**
 * Answers with an OpenAI error body, `{"error": {"message", "type", "param", "code"}}`, and the
 * error's status. A 429 or 503 that knows when to come back carries `Retry-After` in whole seconds,
 * rounded up. Does nothing once the response has started (a stream reports errors as SSE events).
 */
export function writeError(res: ServerResponse, error: RxllmError, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(error.toJSON());
  const out: OutgoingHttpHeaders = {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if ((error.status === 429 || error.status === 503) && error.retryAfter !== undefined) {
    out['retry-after'] = String(Math.max(0, Math.ceil(error.retryAfter)));
  }
  res.writeHead(error.status, out);
  res.end(body);
}
