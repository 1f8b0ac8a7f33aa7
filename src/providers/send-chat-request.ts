import { request as undiciRequest, type Dispatcher } from 'undici';
import type { AbortEmitter } from './abort-emitter.js';
import type { ProviderRequest } from './provider.js';

/**
 * POSTs `request.body` to `${apiBase}/chat/completions` through `dispatcher`, with the deployment's
 * key as a Bearer token when it has one. Resolves at the response's headers; `signal` aborts the
 * request and destroys its socket at any point. Throws synchronously when the body is not JSON-able.
 *
 * @example
 * const response = await sendChatRequest({ deployment, body, stream: false }, new AbortEmitter(), agent);
 */
export function sendChatRequest(
  request: ProviderRequest,
  signal: AbortSignal | AbortEmitter,
  dispatcher: Dispatcher,
): Promise<Dispatcher.ResponseData> {
  const { deployment } = request;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') headers['authorization'] = `Bearer ${deployment.apiKey}`;
  const body = JSON.stringify(request.body);
  return undiciRequest(`${deployment.apiBase.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers,
    body,
    signal,
    dispatcher,
  });
}
