import type { Deployment } from '../config/router-settings.js';
import type { ProviderRequest } from '../providers/provider.js';

const prompt = 'ping';

/**
 * The smallest call that proves a deployment answers, for the endpoint its `model_info.mode` names:
 * one short user message and `max_tokens: 1` (chat), a one-word prompt and `max_tokens: 1` (text
 * completion), or one input (embeddings). The deployment's own request defaults go under them, as
 * for any call, so a probe reaches the upstream the way real traffic does.
 */
export function probeRequest(deployment: Deployment): ProviderRequest {
  const defaults = deployment.requestDefaults ?? {};
  const model = deployment.model;
  switch (deployment.mode ?? 'chat') {
    case 'chat':
      return { deployment, stream: false, kind: 'chat', body: { ...defaults, model, messages: [{ role: 'user', content: prompt }], max_tokens: 1 } };
    case 'completion':
      return { deployment, stream: false, kind: 'text_completion', body: { ...defaults, model, prompt, max_tokens: 1 } };
    case 'embedding':
      return { deployment, stream: false, kind: 'embedding', body: { ...defaults, model, input: [prompt] } };
  }
}
