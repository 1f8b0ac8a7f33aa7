import type { Dispatcher } from 'undici';
import type { Deployment } from '../../config/router-settings.js';
import { BadRequestError } from '../../errors/error-classes.js';
import { endpointTargets, type Target } from '../chat-dispatch-options.js';
import type { ProviderRequest } from '../provider.js';


// The URL is built once per deployment, not on every request.
const targets = new WeakMap<Deployment, Target>();

function targetOf(deployment: Deployment): Target {
  let target = targets.get(deployment);
  if (target === undefined) {
    if (deployment.apiVersion === undefined || deployment.apiVersion === '') {
      throw new BadRequestError(`deployment ${deployment.id}: azure/ needs api_version (or AZURE_API_VERSION)`, { param: 'api_version' });
    }
    target = endpointTargets(deployment.apiBase, `/openai/deployments/${encodeURIComponent(deployment.model)}`, { 'api-version': deployment.apiVersion });
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
