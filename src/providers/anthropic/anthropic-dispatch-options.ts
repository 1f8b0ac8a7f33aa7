import type { Dispatcher } from 'undici';
import type { Deployment } from '../../config/router-settings.js';
import type { ProviderRequest } from '../provider.js';
import { normalizeAnthropicBaseUrl } from './normalize-anthropic-base-url.js';
import { toAnthropicRequest } from './to-anthropic-request.js';

/** The API version rxllm speaks (the one whose events and fields it translates). */
export const anthropicVersion = '2023-06-01';

interface Target {
  readonly origin: string;
  readonly path: string;
}

// The URL is built once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    const url = new URL(normalizeAnthropicBaseUrl(deployment.apiBase));
    target = { origin: url.origin, path: `${url.pathname}${url.search}` };
    targets.set(deployment, target);
  }
  return target;
}

/**
 * What undici's `dispatch` needs to send an OpenAI chat request to Anthropic's Messages API:
 * `POST {api_base}/v1/messages` with the key in `x-api-key` (never in the URL), `anthropic-version`,
 * and the body translated by `toAnthropicRequest`. Throws a typed error for a request Anthropic
 * cannot take (the call then fails without reaching the upstream).
 *
 * @example
 * anthropicDispatchOptions({ deployment, body, stream: true }).path // '/v1/messages'
 */
export function anthropicDispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions {
  const { deployment } = request;
  const { origin, path } = targetOf(deployment);
  const body = toAnthropicRequest(request.body, { dropParams: deployment.dropParams });
  if (request.stream) body.stream = true;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
    'anthropic-version': anthropicVersion,
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') headers['x-api-key'] = deployment.apiKey;
  return { origin, path, method: 'POST', headers, body: JSON.stringify(body) };
}
