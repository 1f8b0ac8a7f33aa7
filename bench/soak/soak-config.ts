/**
 * The proxy's config for the soak: one group of two deployments per provider wire format (OpenAI,
 * Azure, Gemini, Anthropic, Bedrock), all on the fault upstream, each falling back to a group that
 * mixes one deployment of every format; an embeddings group (OpenAI and Azure, the providers whose
 * API answers embeddings here) with its own fallback. Clocks of a few hundred ms cut every hang and
 * stall quickly; two retries; short cooldowns.
 */
import { stringify } from 'yaml';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { SoakFormatName } from './formats/soak-wire-format.js';
import type { Traffic } from './run-load.js';

/** The chat and text-completion groups, one per wire format. */
export const soakGroups: Readonly<Record<SoakFormatName, string>> = {
  openai: 'soak-openai',
  azure: 'soak-azure',
  gemini: 'soak-gemini',
  anthropic: 'soak-anthropic',
  bedrock: 'soak-bedrock',
};
export const soakFallbackGroup = 'soak-fallback';
export const soakEmbeddingGroup = 'soak-embed';
export const soakEmbeddingFallbackGroup = 'soak-embed-fallback';

/** The whole-call deadline, in seconds: a client waits at most about this long for its outcome. */
export const soakDeadlineS = 5;

type DeploymentConfig = RouterConfig['model_list'][number];

const clocks = {
  timeout: 0.4, // non-streaming: cap per attempt; streaming: the default first-chunk and idle clocks
  stream_timeout: 0.3,
  stream_idle_timeout: 0.3,
  cooldown_time: 0.2,
};

/** A deployment of `format` on the fault upstream at `origin`, named `id`. */
function deployment(format: SoakFormatName, origin: string, group: string, id: string): DeploymentConfig {
  const params = ((): DeploymentConfig['litellm_params'] => {
    switch (format) {
      case 'openai':
        return { model: `openai/${id}`, api_base: `${origin}/v1`, api_key: 'sk-soak' };
      case 'azure':
        return { model: `azure/${id}`, api_base: origin, api_key: 'azure-soak', api_version: '2024-10-21' };
      case 'gemini':
        return { model: `gemini/${id}`, api_base: origin, api_key: 'gemini-soak' };
      case 'anthropic':
        return { model: `anthropic/${id}`, api_base: origin, api_key: 'sk-ant-soak' };
      case 'bedrock':
        // A bearer token (AWS_BEARER_TOKEN_BEDROCK's form) skips SigV4: the soak is about the stream, not the signature.
        return { model: `bedrock/anthropic.${id}-v1:0`, api_base: origin, api_key: 'bedrock-soak', aws_region_name: 'us-east-1' };
    }
  })();
  return { model_name: group, litellm_params: { ...params, ...clocks }, model_info: { id } };
}

/** As `new Router(config)` takes it; `origin` is the fault upstream's. */
export function soakRouterConfig(origin: string): RouterConfig {
  const formats = Object.keys(soakGroups) as SoakFormatName[];
  return {
    model_list: [
      ...formats.flatMap((format) => [
        deployment(format, origin, soakGroups[format], `soak-${format}-a`),
        deployment(format, origin, soakGroups[format], `soak-${format}-b`),
      ]),
      ...formats.map((format) => deployment(format, origin, soakFallbackGroup, `soak-${format}-fb`)),
      deployment('openai', origin, soakEmbeddingGroup, 'soak-embed-openai'),
      deployment('azure', origin, soakEmbeddingGroup, 'soak-embed-azure'),
      deployment('openai', origin, soakEmbeddingFallbackGroup, 'soak-embed-fb'),
    ],
    timeout: soakDeadlineS,
    num_retries: 2,
    cooldown_time: 0.2,
    fallbacks: [
      ...formats.map((format) => ({ [soakGroups[format]]: [soakFallbackGroup] })),
      { [soakEmbeddingGroup]: [soakEmbeddingFallbackGroup] },
    ],
  };
}

/** The same as a LiteLLM config.yaml for `rxllm --config`. */
export function soakConfigYaml(origin: string): string {
  const { model_list, ...router_settings } = soakRouterConfig(origin);
  return `# Written by bench/soak/run.ts for one soak run.\n${stringify({ model_list, router_settings })}`;
}

/**
 * The soak's traffic mix: chat and text completions to every format's group, and embeddings (drawn
 * twice as often as one of the others, so they are about a sixth of the load).
 */
export function soakTraffic(): Traffic[] {
  return [
    ...Object.values(soakGroups).flatMap((model) => [
      { model, endpoint: 'chat' as const },
      { model, endpoint: 'completion' as const },
    ]),
    { model: soakEmbeddingGroup, endpoint: 'embedding' },
    { model: soakEmbeddingGroup, endpoint: 'embedding' },
  ];
}
