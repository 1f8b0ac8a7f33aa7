/**
 * The proxy's config for the soak: one group of two deployments per provider wire format (OpenAI,
 * Azure, Gemini, Anthropic, Bedrock), all on the fault upstream, each falling back to a group that
 * mixes one deployment of every format; an embeddings group (OpenAI and Azure, the providers whose
 * API answers embeddings here) with its own fallback. Clocks of a few hundred ms cut every hang and
 * stall quickly; two retries; short cooldowns, each ending half-open (the defaults: one probe call,
 * a failed probe doubling the cooldown). Some groups hedge (DESIGN §12) after about the fault
 * upstream's normal first-chunk time, so hedges start, win and lose all through the run.
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

/**
 * The groups that hedge: one of each kind of stream (an OpenAI SSE, Anthropic's events, Bedrock's
 * binary frames) and the embeddings group, whose JSON answers have no chunk but the whole answer.
 */
export const soakHedgedGroups: readonly string[] = [soakGroups.openai, soakGroups.anthropic, soakGroups.bedrock, soakEmbeddingGroup];

/**
 * `hedge_after`, in seconds: an unfaulted answer's first content comes in a few ms (the opening
 * frames, then a token every 3 ms), later under load, so a share of healthy attempts hedge too, and
 * every hang is hedged long before its 300–400 ms clock cuts it.
 */
export const soakHedgeAfterS = 0.012;

/** Every deployment's API key: none may ever reach a client (`/metrics`, `/health`, errors). */
export const soakApiKeys: Readonly<Record<SoakFormatName, string>> = {
  openai: 'sk-soak-openai-key-7f3a',
  azure: 'azure-soak-key-91c2',
  gemini: 'gemini-soak-key-44be',
  anthropic: 'sk-ant-soak-key-0d17',
  bedrock: 'bedrock-soak-key-e5a9',
};

/** The whole-call deadline, in seconds: a client waits at most about this long for its outcome. */
export const soakDeadlineS = 5;

/** `model_info.health_check_timeout`, in seconds. */
export const soakHealthCheckTimeoutS = 0.5;

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
        return { model: `openai/${id}`, api_base: `${origin}/v1`, api_key: soakApiKeys.openai };
      case 'azure':
        return { model: `azure/${id}`, api_base: origin, api_key: soakApiKeys.azure, api_version: '2024-10-21' };
      case 'gemini':
        return { model: `gemini/${id}`, api_base: origin, api_key: soakApiKeys.gemini };
      case 'anthropic':
        return { model: `anthropic/${id}`, api_base: origin, api_key: soakApiKeys.anthropic };
      case 'bedrock':
        // A bearer token (AWS_BEARER_TOKEN_BEDROCK's form) skips SigV4: the soak is about the stream, not the signature.
        return { model: `bedrock/anthropic.${id}-v1:0`, api_base: origin, api_key: soakApiKeys.bedrock, aws_region_name: 'us-east-1' };
    }
  })();
  // A short health-check timeout: `GET /health` during the run meets the upstream's hangs too.
  return { model_name: group, litellm_params: { ...params, ...clocks }, model_info: { id, health_check_timeout: soakHealthCheckTimeoutS } };
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
    // Generous: the soak is about hedges' losers being closed and never spliced in, not about the budget.
    model_group_hedging: Object.fromEntries(soakHedgedGroups.map((group) => [group, { hedge_after: soakHedgeAfterS, max_hedges: 1, hedge_budget: 1 }])),
  };
}

/**
 * The same as a LiteLLM config.yaml for `rxllm --config`; with `redisUrl`, the proxies that load it
 * share deployment health through that Redis (`router_settings.redis_url`, DESIGN §10).
 */
export function soakConfigYaml(origin: string, redisUrl?: string): string {
  const { model_list, ...settings } = soakRouterConfig(origin);
  const router_settings = redisUrl === undefined ? settings : { ...settings, redis_url: redisUrl };
  // `callbacks: ["prometheus"]` serves `GET /metrics`, which the soak reads against its own ledger.
  const litellm_settings = { callbacks: ['prometheus'] };
  return `# Written by bench/soak/run.ts for one soak run.\n${stringify({ model_list, router_settings, litellm_settings })}`;
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
