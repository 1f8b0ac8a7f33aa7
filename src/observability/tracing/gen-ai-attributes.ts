import type { Attributes } from '@opentelemetry/api';
import type { Deployment } from '../../config/router-settings.js';
import type { CallKindName } from '../../router/call-kind.js';

/** `gen_ai.operation.name` of a kind of call (OpenTelemetry's GenAI semantic conventions). */
export function operationName(kind: CallKindName): string {
  return kind === 'embedding' ? 'embeddings' : kind;
}

/** `gen_ai.provider.name`: the conventions' well-known names where rxllm's provider prefix differs. */
const providerNames: Readonly<Record<string, string>> = {
  azure: 'azure.ai.openai',
  gemini: 'gcp.gemini',
  vertex_ai: 'gcp.vertex_ai',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  xai: 'x_ai',
};

/**
 * What an attempt span says of its deployment: the model asked of it, the provider, and the host
 * (never the whole `api_base`: a base URL may carry a key in its userinfo or query).
 */
export function deploymentAttributes(deployment: Deployment, kind: CallKindName): Attributes {
  const provider = providerNames[deployment.provider] ?? deployment.provider;
  const attributes: Attributes = {
    'gen_ai.operation.name': operationName(kind),
    'gen_ai.request.model': deployment.model,
    'gen_ai.provider.name': provider,
    // The attribute `gen_ai.provider.name` replaced; backends built on older conventions still read it.
    'gen_ai.system': provider,
    'rxllm.deployment.id': deployment.id,
    'rxllm.model_group': deployment.group,
  };
  try {
    const url = new URL(deployment.apiBase);
    attributes['server.address'] = url.hostname;
    if (url.port !== '') attributes['server.port'] = Number(url.port);
  } catch {
    // Not a URL (a mock deployment's placeholder): no server to name.
  }
  return attributes;
}
