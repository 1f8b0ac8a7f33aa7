/**
 * The proxy's config for the soak: one group of three deployments and a one-deployment fallback
 * group on the fault upstream, with clocks of a few hundred ms so that every hang and stall is cut
 * quickly, two retries, and short cooldowns.
 */
import { stringify } from 'yaml';
import type { RouterConfig } from '../../src/config/router-config-schema.js';

export const soakGroup = 'soak';
export const soakFallbackGroup = 'soak-fallback';

/** The whole-call deadline, in seconds: a client waits at most about this long for its outcome. */
export const soakDeadlineS = 5;

/** As `new Router(config)` takes it. */
export function soakRouterConfig(apiBase: string): RouterConfig {
  const deployment = (group: string, id: string): RouterConfig['model_list'][number] => ({
    model_name: group,
    litellm_params: {
      model: `openai/${id}`,
      api_base: apiBase,
      api_key: 'sk-soak',
      timeout: 0.4, // non-streaming: cap per attempt; streaming: the default first-chunk and idle clocks
      stream_timeout: 0.3,
      stream_idle_timeout: 0.3,
      cooldown_time: 0.2,
    },
    model_info: { id },
  });
  return {
    model_list: [
      deployment(soakGroup, 'soak-a'),
      deployment(soakGroup, 'soak-b'),
      deployment(soakGroup, 'soak-c'),
      deployment(soakFallbackGroup, 'soak-fb'),
    ],
    timeout: soakDeadlineS,
    num_retries: 2,
    cooldown_time: 0.2,
    fallbacks: [{ [soakGroup]: [soakFallbackGroup] }],
  };
}

/** The same as a LiteLLM config.yaml for `rxllm --config`. */
export function soakConfigYaml(apiBase: string): string {
  const { model_list, ...router_settings } = soakRouterConfig(apiBase);
  return `# Written by bench/soak/run.ts for one soak run.\n${stringify({ model_list, router_settings })}`;
}
