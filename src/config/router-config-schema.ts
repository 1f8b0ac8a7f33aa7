import { z } from 'zod';
import {
  count,
  expectedObject,
  fallbackList,
  flag,
  httpUrl,
  nonEmptyString,
  nonNegativeNumber,
  nonNegativeSeconds,
  positiveNumber,
  positiveSeconds,
  redisUrl,
  tcpPort,
} from './fields.js';

/** LiteLLM's `retry_policy`: retries per error class, overriding `num_retries` for that class. */
export const retryPolicySchema = z.strictObject({
  BadRequestErrorRetries: count.optional(),
  AuthenticationErrorRetries: count.optional(),
  TimeoutErrorRetries: count.optional(),
  RateLimitErrorRetries: count.optional(),
  ContentPolicyViolationErrorRetries: count.optional(),
  InternalServerErrorRetries: count.optional(),
});

/** LiteLLM's `allowed_fails_policy`: failures per error class tolerated before a cooldown. */
export const allowedFailsPolicySchema = z.strictObject({
  BadRequestErrorAllowedFails: count.optional(),
  AuthenticationErrorAllowedFails: count.optional(),
  TimeoutErrorAllowedFails: count.optional(),
  RateLimitErrorAllowedFails: count.optional(),
  ContentPolicyViolationErrorAllowedFails: count.optional(),
  InternalServerErrorAllowedFails: count.optional(),
});

/**
 * Hedging of a model group (DESIGN §12): `hedge_after` seconds without a first content chunk start
 * another attempt elsewhere in the group, up to `max_hedges` per attempt, within `hedge_budget`
 * (extra attempts as a fraction of the group's hedged attempts over the last minute).
 */
export const hedgingSchema = z.strictObject({
  hedge_after: positiveSeconds.optional(),
  max_hedges: count.optional(),
  hedge_budget: nonNegativeNumber.optional(),
}, { error: expectedObject('an object of { hedge_after, max_hedges, hedge_budget }') });

/** A deployment's `litellm_params`. Keys rxllm does not act on are kept and ignored, as LiteLLM's are. */
export const litellmParamsSchema = z.looseObject({
  model: nonEmptyString,
  api_base: httpUrl.optional(),
  api_key: z.string().optional(),
  api_version: z.string().optional(),
  azure_ad_token: z.string().optional(),
  aws_access_key_id: z.string().optional(),
  aws_secret_access_key: z.string().optional(),
  aws_session_token: z.string().optional(),
  aws_region_name: z.string().optional(),
  timeout: positiveSeconds.optional(),
  stream_timeout: positiveSeconds.optional(),
  stream_idle_timeout: positiveSeconds.optional(),
  num_retries: count.optional(),
  cooldown_time: nonNegativeSeconds.optional(),
  rpm: positiveNumber.optional(),
  tpm: positiveNumber.optional(),
  weight: nonNegativeNumber.optional(),
  order: count.optional(),
  max_parallel_requests: positiveNumber.pipe(z.number().int({ error: 'expected a whole number' })).optional(),
  input_cost_per_token: nonNegativeNumber.optional(),
  output_cost_per_token: nonNegativeNumber.optional(),
  mock_response: z.string().optional(),
  mock_timeout: flag.optional(),
  /** Headers sent upstream on every call to the deployment (LiteLLM's key). */
  extra_headers: z.record(z.string(), z.string({ error: 'expected a string header value' }), { error: expectedObject('an object of header names and values') }).optional(),
  /** Fields merged into every request body sent to the deployment (LiteLLM's key). */
  extra_body: z.looseObject({}, { error: expectedObject('an object of request fields') }).optional(),
  drop_params: flag.optional(),
}, { error: expectedObject('an object of litellm_params') });

/** `model_info.mode` values rxllm can probe: the endpoints it serves (DESIGN §9). */
export const deploymentModes = ['chat', 'completion', 'embedding'] as const;
export type DeploymentMode = (typeof deploymentModes)[number];

export const deploymentSchema = z.strictObject({
  model_name: nonEmptyString,
  litellm_params: litellmParamsSchema,
  model_info: z
    .looseObject({
      id: z.union([nonEmptyString, z.number().transform(String)]).optional(),
      input_cost_per_token: nonNegativeNumber.optional(),
      output_cost_per_token: nonNegativeNumber.optional(),
      /** Which endpoint a health probe calls (LiteLLM's key): chat (the default), text completion or embeddings. */
      mode: z.enum(deploymentModes, { error: `expected one of ${deploymentModes.join(', ')}` }).optional(),
      /** How long a health probe of this deployment may take, seconds (LiteLLM's key; default 60). */
      health_check_timeout: positiveSeconds.optional(),
    }, { error: expectedObject('an object of model_info') })
    .optional(),
}, { error: expectedObject('a deployment { model_name, litellm_params, model_info }') });

export const routingStrategies = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'usage-based-routing',
  'usage-based-routing-v2',
  'cost-based-routing',
] as const;

// LiteLLM Router arguments that configs carry but that do not change routing semantics here
// (caching, logging). Accepted so that LiteLLM configs load unchanged; not acted on.
const acceptedButIgnored = {
  cache_responses: z.unknown().optional(),
  cache_kwargs: z.unknown().optional(),
  caching_groups: z.unknown().optional(),
  client_ttl: z.unknown().optional(),
  set_verbose: z.unknown().optional(),
  debug_level: z.unknown().optional(),
  enable_pre_call_checks: z.unknown().optional(),
  polling_interval: z.unknown().optional(),
  alerting_config: z.unknown().optional(),
  router_general_settings: z.unknown().optional(),
  provider_budget_config: z.unknown().optional(),
  optional_pre_call_checks: z.unknown().optional(),
};

/**
 * `new Router(config)`: the flat keyword set of LiteLLM's Python `Router(...)`. Durations in seconds.
 * Unknown keys are errors (a typo in `stream_timeout` must not silently keep the default).
 */
export const routerConfigSchema = z.strictObject({
  model_list: z.array(deploymentSchema, { error: 'expected a list of deployments' }).min(1, {
    error: 'expected at least one deployment',
  }),
  timeout: positiveSeconds.optional(),
  stream_timeout: positiveSeconds.optional(),
  stream_idle_timeout: positiveSeconds.optional(),
  num_retries: count.optional(),
  retry_after: nonNegativeSeconds.optional(),
  retry_policy: retryPolicySchema.optional(),
  model_group_retry_policy: z.record(z.string(), retryPolicySchema).optional(),
  fallbacks: fallbackList.optional(),
  default_fallbacks: z.array(nonEmptyString).optional(),
  context_window_fallbacks: fallbackList.optional(),
  content_policy_fallbacks: fallbackList.optional(),
  max_fallbacks: count.optional(),
  routing_strategy: z
    .enum(routingStrategies, { error: `expected one of ${routingStrategies.join(', ')}` })
    .optional(),
  routing_strategy_args: z.looseObject({}).optional(),
  cooldown_time: nonNegativeSeconds.optional(),
  disable_cooldowns: flag.optional(),
  /** Half-open recovery (DESIGN §12): calls a deployment takes at once when its cooldown ends, until one succeeds; 0 lets all traffic back (LiteLLM). */
  cooldown_probe_requests: count.optional(),
  /** The longest a failed probe's doubled cooldown may grow (seconds). */
  max_cooldown_time: positiveSeconds.optional(),
  allowed_fails: count.optional(),
  allowed_fails_policy: allowedFailsPolicySchema.optional(),
  /** Hedging for every model group (seconds); `model_group_hedging` overrides it per group. */
  ...hedgingSchema.shape,
  model_group_hedging: z
    .record(z.string(), hedgingSchema, { error: expectedObject('an object of { model group: { hedge_after, max_hedges, hedge_budget } }') })
    .optional(),
  /** Drop request fields a provider cannot take instead of refusing them (deployments may override). */
  drop_params: flag.optional(),
  /** Other names for model groups: `{ alias: group }`, or `{ alias: { model: group, hidden: true } }` to keep it off `/v1/models`. */
  model_group_alias: z
    .record(
      z.string(),
      z.union([nonEmptyString, z.strictObject({ model: nonEmptyString, hidden: flag.optional() })], {
        error: 'expected a model group name, or { model: <group>, hidden: true }',
      }),
      { error: expectedObject('an object of { alias: model group }') },
    )
    .optional(),
  /** Redis shared by a fleet of routers (DESIGN §10): `redis_url`, or `redis_host` with `redis_port` / `redis_password`. */
  redis_host: nonEmptyString.optional(),
  redis_port: tcpPort.optional(),
  redis_password: z.string({ error: 'expected a string' }).optional(),
  redis_url: redisUrl.optional(),
  ...acceptedButIgnored,
}, { error: expectedObject('a Router config object') });

/**
 * The Router's configuration as users write it (LiteLLM's keys, seconds). At run time numeric strings
 * are accepted too (values read from the environment); the type asks for numbers.
 */
export type RouterConfig = z.output<typeof routerConfigSchema>;
export type DeploymentConfig = z.output<typeof deploymentSchema>;
export type RetryPolicy = z.output<typeof retryPolicySchema>;
export type AllowedFailsPolicy = z.output<typeof allowedFailsPolicySchema>;
export type HedgingConfig = z.output<typeof hedgingSchema>;
export type RoutingStrategyName = (typeof routingStrategies)[number];
