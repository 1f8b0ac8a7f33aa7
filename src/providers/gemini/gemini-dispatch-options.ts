import type { Dispatcher } from 'undici';
import type { Deployment } from '../../config/router-settings.js';
import type { ProviderRequest } from '../provider.js';
import { toGeminiEmbedRequest } from './gemini-embeddings.js';
import { toGeminiRequest } from './to-gemini-request.js';

interface Target {
  readonly origin: string;
  readonly path: string;
  readonly streamPath: string;
  readonly embedPath: string;
}

// The URLs are built once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    const url = new URL(`${deployment.apiBase.replace(/\/+$/, '')}/v1beta/models/${encodeURIComponent(deployment.model)}`);
    target = { origin: url.origin, path: `${url.pathname}:generateContent`, streamPath: `${url.pathname}:streamGenerateContent?alt=sse`, embedPath: `${url.pathname}:batchEmbedContents` };
    targets.set(deployment, target);
  }
  return target;
}

/**
 * What undici's `dispatch` needs to call Gemini (Google AI Studio): the OpenAI body translated
 * (`toGeminiRequest`, `drop_params` honoured), POSTed to `{apiBase}/v1beta/models/<m>:generateContent`,
 * or `:streamGenerateContent?alt=sse` when streaming; an embeddings call (`kind: 'embedding'`) goes
 * to `:batchEmbedContents` (`toGeminiEmbedRequest`). The key is in the `x-goog-api-key` header:
 * never as `?key=`, where it would end up in URLs that get logged.
 *
 * @example
 * geminiDispatchOptions({ deployment, body, stream: true }).path
 * // '/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse'
 */
export function geminiDispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions {
  const { deployment } = request;
  const target = targetOf(deployment);
  const embedding = request.kind === 'embedding';
  const body = embedding ? toGeminiEmbedRequest(request.body, deployment.model) : toGeminiRequest(request.body, { dropParams: deployment.dropParams });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') headers['x-goog-api-key'] = deployment.apiKey;
  return {
    origin: target.origin,
    path: embedding ? target.embedPath : request.stream ? target.streamPath : target.path,
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  };
}
