import type { Dispatcher } from 'undici';
import type { Deployment } from '../config/router-settings.js';
import type { ProviderRequest } from './provider.js';

interface Target {
  readonly origin: string;
  readonly path: string;
}

// The URL is parsed once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    const url = new URL(`${deployment.apiBase.replace(/\/+$/, '')}/chat/completions`);
    target = { origin: url.origin, path: `${url.pathname}${url.search}` };
    targets.set(deployment, target);
  }
  return target;
}

/**
 * What undici's `dispatch` needs to POST `request.body` to `${apiBase}/chat/completions`, with the
 * deployment's key as a Bearer token when it has one. Throws when `apiBase` is not a URL or the body
 * is not JSON-able.
 *
 * @example
 * agent.dispatch(chatDispatchOptions({ deployment, body, stream: false }), handler);
 */
export function chatDispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions {
  const { deployment } = request;
  const { origin, path } = targetOf(deployment);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') headers['authorization'] = `Bearer ${deployment.apiKey}`;
  return { origin, path, method: 'POST', headers, body: JSON.stringify(request.body) };
}
