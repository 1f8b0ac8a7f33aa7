import type { FallbackEntry } from '../protocol/chat.js';
import type { AwsCredentials } from './bedrock-auth.js';
import type { AllowedFailsPolicy, DeploymentMode, RetryPolicy, RoutingStrategyName } from './router-config-schema.js';

/** One deployment of a model group, resolved from `model_list` (durations in milliseconds). */
export interface Deployment {
  /** `model_info.id`, else `<model_name>/<n>` (n counts within the group from 0). */
  readonly id: string;
  /** The model group: `model_name`. */
  readonly group: string;
  /** The provider prefix of `litellm_params.model` (`openai` for a bare model name). */
  readonly provider: string;
  /** The model name sent upstream (the part after the provider prefix). */
  readonly model: string;
  /** `api_base`, else the provider's environment variable or default, without a trailing slash. */
  readonly apiBase: string;
  /** Not enumerable, so that logging a deployment never prints it. */
  readonly apiKey: string | undefined;
  /** Azure's `api-version` query parameter: `api_version`, else `AZURE_API_VERSION`. */
  readonly apiVersion: string | undefined;
  /** Azure Entra ID token, sent as a Bearer token when there is no `apiKey`. Not enumerable. */
  readonly azureAdToken: string | undefined;
  /** Bedrock's region (SigV4 scope, default endpoint): `aws_region_name`, else `AWS_REGION` / `AWS_DEFAULT_REGION`. */
  readonly awsRegionName: string | undefined;
  /** Bedrock's SigV4 keys, when no bearer token (`apiKey`) stands in for them. Not enumerable. */
  readonly awsCredentials: AwsCredentials | undefined;
  readonly timeoutMs: number | undefined;
  readonly streamTimeoutMs: number | undefined;
  readonly streamIdleTimeoutMs: number | undefined;
  readonly numRetries: number | undefined;
  readonly cooldownTimeMs: number | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly weight: number | undefined;
  readonly order: number | undefined;
  readonly maxParallelRequests: number | undefined;
  readonly inputCostPerToken: number | undefined;
  readonly outputCostPerToken: number | undefined;
  readonly mockResponse: string | undefined;
  readonly mockTimeout: boolean;
  /** OpenAI request fields set on every call here (`temperature`, `max_tokens`, `extra_body`, ...); the request's own win. */
  readonly requestDefaults: Readonly<Record<string, unknown>> | undefined;
  /** `extra_headers`: sent upstream on every call here (the provider's own auth headers win). */
  readonly extraHeaders: Readonly<Record<string, string>> | undefined;
  /** Request fields the provider cannot take are dropped, not refused: `drop_params`, deployment's else router's. */
  readonly dropParams: boolean;
  /** `model_info.mode`: the endpoint a health probe calls (absent: chat). */
  readonly mode?: DeploymentMode | undefined;
  /** `model_info.health_check_timeout` in ms (absent: the probe's default, 60 s). */
  readonly healthCheckTimeoutMs?: number | undefined;
}

/** A model group's hedging (DESIGN §12), router settings under `model_group_hedging`'s; milliseconds. */
export interface GroupHedging {
  /** No first content chunk after this long starts a hedge; undefined: hedging is off unless a request sets it. */
  readonly afterMs: number | undefined;
  /** Hedges per attempt at most. */
  readonly maxHedges: number;
  /** Hedges allowed per hedged attempt of the group, over the last minute (0.1: 10 % extra attempts). */
  readonly budget: number;
}

/** The Router's settings after validation: typed, camelCase, milliseconds, defaults applied. */
export interface RouterSettings {
  readonly deployments: readonly Deployment[];
  /** Deployments by model group, in `model_list` order. */
  readonly groups: ReadonlyMap<string, readonly Deployment[]>;
  readonly timeoutMs: number;
  readonly streamTimeoutMs: number | undefined;
  readonly streamIdleTimeoutMs: number | undefined;
  readonly numRetries: number;
  readonly retryAfterMs: number;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly modelGroupRetryPolicy: Readonly<Record<string, RetryPolicy>>;
  readonly fallbacks: readonly FallbackEntry[];
  readonly defaultFallbacks: readonly string[];
  readonly contextWindowFallbacks: readonly FallbackEntry[];
  readonly contentPolicyFallbacks: readonly FallbackEntry[];
  readonly maxFallbacks: number;
  readonly routingStrategy: RoutingStrategyName;
  readonly routingStrategyArgs: Readonly<Record<string, unknown>>;
  readonly cooldownTimeMs: number;
  readonly disableCooldowns: boolean;
  /** `cooldown_probe_requests`: calls in flight a half-open deployment takes (0: no half-open, LiteLLM's behaviour). */
  readonly cooldownProbeRequests: number;
  /** `max_cooldown_time`: the cap on a failed probe's doubled cooldown. */
  readonly maxCooldownTimeMs: number;
  readonly allowedFails: number | undefined;
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
  /** Hedging per model group: every group has an entry. */
  readonly hedging: ReadonlyMap<string, GroupHedging>;
  /** `model_group_alias`: a name a request may use for a model group, and whether `/v1/models` lists it. */
  readonly modelGroupAlias: ReadonlyMap<string, { readonly group: string; readonly hidden: boolean }>;
  /** Where a fleet shares deployment state (DESIGN §10): set by `redis_url` or `redis_host`; undefined runs on local state. */
  readonly redis: RedisConnection | undefined;
}

/**
 * A Redis server to share deployment state through: `url`, or `host` and `port`. `password` is not
 * enumerable, so that logging the settings never prints it.
 */
export interface RedisConnection {
  readonly url: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly password: string | undefined;
}

export const defaults = {
  timeoutSeconds: 600,
  numRetries: 2,
  maxFallbacks: 5,
  cooldownTimeSeconds: 5,
  cooldownProbeRequests: 1,
  /**
   * Five minutes, whatever `cooldown_time` is: the cooldown's length varies per call (request,
   * deployment, Retry-After), so a multiple of one of them would be a moving cap. From the default
   * 5 s it is reached after six failed probes (10, 20, 40, 80, 160, 300 s), and a deployment that is
   * down for good then costs one probe call every five minutes.
   */
  maxCooldownTimeSeconds: 300,
  maxHedges: 1,
  hedgeBudget: 0.1,
  openaiApiBase: 'https://api.openai.com/v1',
} as const;

/** Seconds (LiteLLM's unit) to milliseconds (RxJS's), rounded to the microsecond. */
export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}
