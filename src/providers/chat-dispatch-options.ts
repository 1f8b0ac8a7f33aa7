import type { Dispatcher } from 'undici';
import type { Deployment } from '../config/router-settings.js';
import type { CallKindName } from '../router/call-kind.js';
import type { ProviderRequest } from './provider.js';

interface Target {
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

// The URL is parsed once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    const base = deployment.apiBase.replace(/\/+$/, '');
    // The endpoint goes after the base's path, before its query (`https://h/v1?tenant=a`).
    const pathOf = (endpoint: string): string => {
      const url = new URL(base);
      url.pathname = `${url.pathname.replace(/\/+$/, '')}${endpoint}`;
      return `${url.pathname}${url.search}`;
    };
    target = {
      origin: new URL(base).origin,
      paths: { chat: pathOf(openAIEndpoints.chat), text_completion: pathOf(openAIEndpoints.text_completion), embedding: pathOf(openAIEndpoints.embedding) },
    };
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
