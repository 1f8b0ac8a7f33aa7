import type { Dispatcher } from 'undici';
import type { Deployment } from '../config/router-settings.js';
import type { CallKindName } from '../router/call-kind.js';
import type { ProviderRequest } from './provider.js';

export interface Target {
  readonly origin: string;
  /** The path of each endpoint (DESIGN §9), under the deployment's `api_base`. */
  readonly paths: Readonly<Record<CallKindName, string>>;
}

/** Where each kind of call goes under an OpenAI-compatible base URL. */
export const openAIEndpoints: Readonly<Record<CallKindName, string>> = {
  chat: '/chat/completions',
  text_completion: '/completions',
  embedding: '/embeddings',
};

/**
 * The origin of `apiBase` and the path of each endpoint under it: `route` then the endpoint go after
 * the base's own path and before its query (`https://h/v1?tenant=a` → `/v1/chat/completions?tenant=a`),
 * with `query` added to it.
 *
 * @example
 * endpointTargets('https://r.example/', '/openai/deployments/d', { 'api-version': 'v' }).paths.embedding
 * // '/openai/deployments/d/embeddings?api-version=v'
 */
export function endpointTargets(apiBase: string, route = '', query: Readonly<Record<string, string>> = {}): Target {
  const base = new URL(apiBase.replace(/\/+$/, ''));
  const pathOf = (endpoint: string): string => {
    const url = new URL(base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${route}${endpoint}`;
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return `${url.pathname}${url.search}`;
  };
  return {
    origin: base.origin,
    paths: { chat: pathOf(openAIEndpoints.chat), text_completion: pathOf(openAIEndpoints.text_completion), embedding: pathOf(openAIEndpoints.embedding) },
  };
}

// The URL is parsed once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    target = endpointTargets(deployment.apiBase);
    targets.set(deployment, target);
  }
  return target;
}

/**
 * What undici's `dispatch` needs to POST `request.body` to `${apiBase}/chat/completions` (or
 * `/completions`, `/embeddings` for those kinds of call), with the
 * deployment's key as a Bearer token when it has one. Throws when `apiBase` is not a URL or the body
 * is not JSON-able.
 *
 * @example
 * agent.dispatch(chatDispatchOptions({ deployment, body, stream: false }), handler);
 */
export function chatDispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions {
  const { deployment } = request;
  const { origin, paths } = targetOf(deployment);
  const path = paths[request.kind ?? 'chat'];
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') headers['authorization'] = `Bearer ${deployment.apiKey}`;
  return { origin, path, method: 'POST', headers, body: JSON.stringify(request.body) };
}
