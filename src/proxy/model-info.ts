import type { Deployment } from '../config/router-settings.js';
import { publicApiBase } from './public-api-base.js';

/** One deployment as LiteLLM's `GET /v1/model/info` shows it: no key, durations in seconds. */
export interface ModelInfoEntry {
  model_name: string;
  litellm_params: Record<string, string | number | boolean>;
  model_info: Record<string, string | number>;
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}

/** `record` without its undefined values, so the JSON lists only what was configured. */
function defined<T>(record: Record<string, T | undefined>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * LiteLLM's `GET /v1/model/info` entry for a deployment: its group, `provider/model`, `api_base`
 * with any credential masked, its limits and clocks (seconds, as configured) and its id. API keys
 * and tokens are never part of it.
 */
export function modelInfoEntry(deployment: Deployment): ModelInfoEntry {
  return {
    model_name: deployment.group,
    litellm_params: defined<string | number | boolean>({
      model: `${deployment.provider}/${deployment.model}`,
      api_base: deployment.mockResponse !== undefined || deployment.mockTimeout ? undefined : publicApiBase(deployment.apiBase),
      api_version: deployment.apiVersion,
      timeout: seconds(deployment.timeoutMs),
      stream_timeout: seconds(deployment.streamTimeoutMs),
      stream_idle_timeout: seconds(deployment.streamIdleTimeoutMs),
      num_retries: deployment.numRetries,
      cooldown_time: seconds(deployment.cooldownTimeMs),
      rpm: deployment.rpm,
      tpm: deployment.tpm,
      weight: deployment.weight,
      order: deployment.order,
      max_parallel_requests: deployment.maxParallelRequests,
      mock_timeout: deployment.mockTimeout ? true : undefined,
    }),
    model_info: defined<string | number>({
      id: deployment.id,
      mode: deployment.mode ?? 'chat',
      litellm_provider: deployment.provider,
      input_cost_per_token: deployment.inputCostPerToken,
      output_cost_per_token: deployment.outputCostPerToken,
    }),
  };
}
