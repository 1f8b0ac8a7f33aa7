import type { Dispatcher } from 'undici';
import type { Deployment } from '../../config/router-settings.js';
import { BadRequestError } from '../../errors/error-classes.js';
import type { CallKindName } from '../../router/call-kind.js';
import { openAIEndpoints } from '../chat-dispatch-options.js';
import type { ProviderRequest } from '../provider.js';

interface Target {
  readonly origin: string;
  readonly paths: Readonly<Record<CallKindName, string>>;
}

// The URL is built once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    if (deployment.apiVersion === undefined || deployment.apiVersion === '') {
      throw new BadRequestError(`deployment ${deployment.id}: azure/ needs api_version (or AZURE_API_VERSION)`, { param: 'api_version' });
    }
    const deploymentName = encodeURIComponent(deployment.model);
    const base = deployment.apiBase.replace(/\/+$/, '');
    const apiVersion = deployment.apiVersion;
    // The route goes after the base's path, before its query.
    const pathOf = (endpoint: string): string => {
      const url = new URL(base);
      url.pathname = `${url.pathname.replace(/\/+$/, '')}/openai/deployments/${deploymentName}${endpoint}`;
      url.searchParams.set('api-version', apiVersion);
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
 * What undici's `dispatch` needs to POST an OpenAI chat body to an Azure OpenAI deployment:
 * `{apiBase}/openai/deployments/<deployment>/chat/completions?api-version=<v>` (`/completions`,
 * `/embeddings` for those kinds of call), with the key in the
 * `api-key` header, or else the Entra ID token as a Bearer token. The body is OpenAI's, unchanged.
 *
 * @example
 * azureDispatchOptions({ deployment, body, stream: true }).path
 * // '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21'
 */
export function azureDispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions {
  const { deployment } = request;
  const { origin, paths } = targetOf(deployment);
  const path = paths[request.kind ?? 'chat'];
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: request.stream ? 'text/event-stream' : 'application/json',
  };
  if (deployment.apiKey !== undefined && deployment.apiKey !== '') headers['api-key'] = deployment.apiKey;
  else if (deployment.azureAdToken !== undefined && deployment.azureAdToken !== '') headers['authorization'] = `Bearer ${deployment.azureAdToken}`;
  return { origin, path, method: 'POST', headers, body: JSON.stringify(request.body) };
}
