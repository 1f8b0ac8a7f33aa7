import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { fallbackList, flag } from './fields.js';
import { describeUrl, isHttpUrl } from './http-url.js';
import { requestDefaults } from './request-defaults.js';
import { resolveEnvReferences } from './resolve-env-references.js';
import { didYouMean, nearMiss } from './near-miss.js';
import {
  allowedFailsPolicySchema,
  type DeploymentConfig,
  deploymentSchema,
  hedgingSchema,
  litellmParamsSchema,
  retryPolicySchema,
  routerConfigSchema,
  type RouterConfig,
} from './router-config-schema.js';
import { toConfigIssues } from './zod-issues.js';
import { apiBaseVariable, missingProviderParams, providerParams } from './provider-params.js';
import { defaults, type Deployment, type RedisConnection, type RouterSettings, secondsToMs } from './router-settings.js';

export type Env = Readonly<Record<string, string | undefined>>;

const litellmParamKeys = Object.keys(litellmParamsSchema.shape);

function optionalMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : secondsToMs(seconds);
}

function splitProvider(model: string): { provider: string; model: string } {
  const slash = model.indexOf('/');
  if (slash <= 0) return { provider: 'openai', model };
  return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
}

/** The keys the Router config takes at `path`, for "did you mean" hints on a typo (`stream_timout`). */
function knownRouterKeys(path: readonly PropertyKey[]): Iterable<string> | undefined {
  const [first, second] = path;
  if (path.length === 0) return Object.keys(routerConfigSchema.shape);
  if (first === 'retry_policy' || (first === 'model_group_retry_policy' && second !== undefined)) return Object.keys(retryPolicySchema.shape);
  if (first === 'allowed_fails_policy') return Object.keys(allowedFailsPolicySchema.shape);
  if (first === 'model_list' && path.length === 2) return Object.keys(deploymentSchema.shape);
  if (first === 'model_group_alias' && path.length === 2) return ['model', 'hidden'];
  if (first === 'model_group_hedging' && path.length === 2) return Object.keys(hedgingSchema.shape);
  return undefined;
}

function toDeployment(config: DeploymentConfig, id: string, env: Env, dropParams: boolean): Deployment {
  const params = config.litellm_params;
  const { provider, model } = splitProvider(params.model);
  const connection = providerParams(provider, params, env);
  const deployment: Omit<Deployment, 'apiKey' | 'azureAdToken' | 'awsCredentials'> = {
    id,
    group: config.model_name,
    provider,
    model,
    // Only a mocked deployment can lack one (it is never called): the checks below require it otherwise.
    apiBase: connection.apiBase ?? '',
    apiVersion: connection.apiVersion,
    awsRegionName: connection.awsRegionName,
    timeoutMs: optionalMs(params.timeout),
    streamTimeoutMs: optionalMs(params.stream_timeout),
    streamIdleTimeoutMs: optionalMs(params.stream_idle_timeout),
    numRetries: params.num_retries,
    cooldownTimeMs: optionalMs(params.cooldown_time),
    rpm: params.rpm,
    tpm: params.tpm,
    weight: params.weight,
    order: params.order,
    maxParallelRequests: params.max_parallel_requests,
    inputCostPerToken: params.input_cost_per_token ?? config.model_info?.input_cost_per_token,
    outputCostPerToken: params.output_cost_per_token ?? config.model_info?.output_cost_per_token,
    mockResponse: params.mock_response,
    mockTimeout: params.mock_timeout ?? false,
    dropParams: params.drop_params ?? dropParams,
    mode: config.model_info?.mode,
    healthCheckTimeoutMs: optionalMs(config.model_info?.health_check_timeout),
    requestDefaults: requestDefaults(params),
    // Lower-cased as HTTP/1.1 sends them, so that one never doubles a provider's own header.
    extraHeaders:
      params.extra_headers === undefined
        ? undefined
        : Object.fromEntries(Object.entries(params.extra_headers).map(([name, value]) => [name.toLowerCase(), value])),
  };
  // Kept off the enumerable keys so that logging or serialising a deployment never shows a secret.
  Object.defineProperty(deployment, 'apiKey', { value: connection.apiKey, enumerable: false });
  Object.defineProperty(deployment, 'azureAdToken', { value: connection.azureAdToken, enumerable: false });
  Object.defineProperty(deployment, 'awsCredentials', { value: connection.awsCredentials, enumerable: false });
  return deployment as Deployment;
}

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function checkFallbackList(value: unknown, name: string, groups: ReadonlySet<string>, issues: ConfigIssue[]): void {
  if (!Array.isArray(value)) return;
  value.forEach((raw: unknown, index) => {
    // A malformed entry is the schema's to report; only well-formed ones are checked for their names.
    const entry = fallbackList.element.safeParse(raw);
    if (!entry.success) return;
    for (const [from, targets] of Object.entries(entry.data)) {
      if (from !== '*' && !groups.has(from)) {
        issues.push({ path: `${name}[${index}].${from}`, message: `unknown model group "${from}"` });
      }
      targets.forEach((target, targetIndex) => {
        if (!groups.has(target)) {
          issues.push({ path: `${name}[${index}].${from}[${targetIndex}]`, message: `unknown model group "${target}"` });
        }
      });
    }
  });
}

/**
 * The problems no schema can see, because they relate one part of the config to another: duplicate
 * deployment ids, unsupported providers, fallbacks and retry policies naming unknown groups, a base
 * URL from the environment that is no http(s) URL; and near misses of the `litellm_params` keys rxllm uses (`stream_timout`), which the schema keeps. Read from
 * the unvalidated (env-resolved) config, tolerating whatever the schema rejects, so that they are
 * reported together with the schema's issues rather than only once those are fixed.
 */
function referenceIssues(config: unknown, env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const root = asRecord(config) ?? {};
  const modelList: readonly unknown[] = Array.isArray(root['model_list']) ? root['model_list'] : [];
  const perGroup = new Map<string, number>();
  const ids = new Set<string>();
  modelList.forEach((raw, index) => {
    const entry = asRecord(raw);
    // litellm_params keeps keys it does not know (LiteLLM's), but a typo of one it uses is an error.
    for (const key of Object.keys(asRecord(entry?.['litellm_params']) ?? {})) {
      const meant = Object.hasOwn(litellmParamsSchema.shape, key) ? undefined : nearMiss(key, litellmParamKeys);
      if (meant !== undefined) issues.push({ path: `model_list[${index}].litellm_params.${key}`, message: didYouMean(meant) });
    }
    const group = entry?.['model_name'];
    if (typeof group !== 'string' || group === '') return;
    const position = perGroup.get(group) ?? 0;
    perGroup.set(group, position + 1);

    const explicitId = asRecord(entry?.['model_info'])?.['id'];
    const id =
      (typeof explicitId === 'string' && explicitId !== '') || typeof explicitId === 'number'
        ? String(explicitId)
        : `${group}/${position}`;
    if (ids.has(id)) issues.push({ path: `model_list[${index}].model_info.id`, message: `duplicate deployment id "${id}"` });
    ids.add(id);

    const params = asRecord(entry?.['litellm_params']);
    const model = params?.['model'];
    if (params === undefined || typeof model !== 'string' || model === '') return;
    const mockTimeout = flag.safeParse(params['mock_timeout']);
    const mocked = typeof params['mock_response'] === 'string' || (mockTimeout.success && mockTimeout.data);
    if (mocked) return;
    const { provider } = splitProvider(model);
    for (const [param, message] of missingProviderParams(provider, params, env)) {
      issues.push({ path: `model_list[${index}].litellm_params.${param}`, message });
    }
    // The schema checks an `api_base` that is given; one taken from the environment is checked here,
    // for the deployments that will call it (a mocked one never does).
    const fromEnv = apiBaseVariable(provider, params, env);
    if (fromEnv !== undefined && !isHttpUrl(fromEnv.value)) {
      issues.push({
        path: `model_list[${index}].litellm_params.api_base`,
        message: `expected an http(s) URL, got ${describeUrl(fromEnv.value)} (from the environment variable ${fromEnv.name})`,
      });
    }
  });

  const groups = new Set(perGroup.keys());
  checkFallbackList(root['fallbacks'], 'fallbacks', groups, issues);
  checkFallbackList(root['context_window_fallbacks'], 'context_window_fallbacks', groups, issues);
  checkFallbackList(root['content_policy_fallbacks'], 'content_policy_fallbacks', groups, issues);
  const defaultFallbacks = root['default_fallbacks'];
  if (Array.isArray(defaultFallbacks)) {
    defaultFallbacks.forEach((target: unknown, index) => {
      if (typeof target === 'string' && target !== '' && !groups.has(target)) {
        issues.push({ path: `default_fallbacks[${index}]`, message: `unknown model group "${target}"` });
      }
    });
  }
  for (const [alias, target] of Object.entries(asRecord(root['model_group_alias']) ?? {})) {
    const group = typeof target === 'string' ? target : asRecord(target)?.['model'];
    if (groups.has(alias)) issues.push({ path: `model_group_alias.${alias}`, message: `"${alias}" is a model group itself: an alias would hide it` });
    else if (typeof group === 'string' && group !== '' && !groups.has(group)) {
      issues.push({ path: `model_group_alias.${alias}`, message: `unknown model group "${group}"` });
    }
  }
  for (const key of ['model_group_retry_policy', 'model_group_hedging']) {
    for (const group of Object.keys(asRecord(root[key]) ?? {})) {
      if (!groups.has(group)) issues.push({ path: `${key}.${group}`, message: `unknown model group "${group}"` });
    }
  }
  return issues;
}

/** A cap below the cooldown it caps is a contradiction: which of the two was meant cannot be guessed. */
function cooldownIssues(config: RouterConfig): ConfigIssue[] {
  const { cooldown_time: cooldownTime, max_cooldown_time: maxCooldownTime } = config;
  if (maxCooldownTime === undefined || cooldownTime === undefined || maxCooldownTime >= cooldownTime) return [];
  return [{ path: 'max_cooldown_time', message: `expected at least cooldown_time (${cooldownTime} s), got ${maxCooldownTime}` }];
}

/**
 * Validates a Router config (LiteLLM's flat shape, seconds) and turns it into typed settings.
 * Throws one `ConfigError` listing every problem as `path: message`.
 */
export function parseRouterConfig(raw: unknown, env: Env = process.env): RouterSettings {
  const issues: ConfigIssue[] = [];
  const resolved = resolveEnvReferences(raw, env, issues);
  // A variable that is not set is reported once, at its path; the schema would add "got nothing" there.
  const unresolved = new Set(issues.map((issue) => issue.path));
  const parsed = routerConfigSchema.safeParse(resolved);
  if (!parsed.success) issues.push(...toConfigIssues(parsed.error, [], knownRouterKeys).filter((issue) => !unresolved.has(issue.path)));
  issues.push(...referenceIssues(resolved, env));
  if (parsed.success) issues.push(...cooldownIssues(parsed.data));
  if (!parsed.success || issues.length > 0) throw new ConfigError(issues);
  return toSettings(parsed.data, env);
}

function toSettings(config: RouterConfig, env: Env): RouterSettings {
  const groups = new Map<string, Deployment[]>();
  const deployments = config.model_list.map((entry) => {
    const group = groups.get(entry.model_name) ?? [];
    const deployment = toDeployment(entry, entry.model_info?.id ?? `${entry.model_name}/${group.length}`, env, config.drop_params ?? false);
    group.push(deployment);
    groups.set(entry.model_name, group);
    return deployment;
  });

  return {
    deployments,
    groups,
    timeoutMs: secondsToMs(config.timeout ?? defaults.timeoutSeconds),
    streamTimeoutMs: optionalMs(config.stream_timeout),
    streamIdleTimeoutMs: optionalMs(config.stream_idle_timeout),
    numRetries: config.num_retries ?? defaults.numRetries,
    retryAfterMs: secondsToMs(config.retry_after ?? 0),
    retryPolicy: config.retry_policy,
    modelGroupRetryPolicy: config.model_group_retry_policy ?? {},
    fallbacks: config.fallbacks ?? [],
    defaultFallbacks: config.default_fallbacks ?? [],
    contextWindowFallbacks: config.context_window_fallbacks ?? [],
    contentPolicyFallbacks: config.content_policy_fallbacks ?? [],
    maxFallbacks: config.max_fallbacks ?? defaults.maxFallbacks,
    modelGroupAlias: new Map(
      Object.entries(config.model_group_alias ?? {}).map(([alias, target]) =>
        typeof target === 'string' ? [alias, { group: target, hidden: false }] : [alias, { group: target.model, hidden: target.hidden ?? false }],
      ),
    ),
    hedging: new Map(
      [...groups.keys()].map((group) => {
        const own = config.model_group_hedging?.[group];
        const after = own?.hedge_after ?? config.hedge_after;
        return [
          group,
          {
            afterMs: optionalMs(after),
            maxHedges: own?.max_hedges ?? config.max_hedges ?? defaults.maxHedges,
            budget: own?.hedge_budget ?? config.hedge_budget ?? defaults.hedgeBudget,
          },
        ];
      }),
    ),
    routingStrategy: config.routing_strategy ?? 'simple-shuffle',
    routingStrategyArgs: config.routing_strategy_args ?? {},
    cooldownTimeMs: secondsToMs(config.cooldown_time ?? defaults.cooldownTimeSeconds),
    disableCooldowns: config.disable_cooldowns ?? false,
    cooldownProbeRequests: config.cooldown_probe_requests ?? defaults.cooldownProbeRequests,
    maxCooldownTimeMs: secondsToMs(config.max_cooldown_time ?? defaults.maxCooldownTimeSeconds),
    allowedFails: config.allowed_fails,
    allowedFailsPolicy: config.allowed_fails_policy,
    redis: redisConnection(config, env),
  };
}

/**
 * As LiteLLM's Router: Redis is used when the config names a server (`redis_url`, or `redis_host`,
 * typically `os.environ/REDIS_HOST`); the port and password it leaves out come from `REDIS_PORT` and
 * `REDIS_PASSWORD`, as LiteLLM's Redis client fills its arguments from the environment. The variables
 * alone turn nothing on: in LiteLLM they configure the response cache, which rxllm does not have.
 */
function redisConnection(config: RouterConfig, env: Env): RedisConnection | undefined {
  if (config.redis_url === undefined && config.redis_host === undefined) return undefined;
  const envPort = Number(env['REDIS_PORT']);
  const connection = {
    url: config.redis_url,
    host: config.redis_url === undefined ? config.redis_host : undefined,
    port: config.redis_url === undefined ? (config.redis_port ?? (Number.isInteger(envPort) && envPort > 0 ? envPort : 6379)) : undefined,
  };
  const password = config.redis_password ?? (config.redis_url === undefined ? env['REDIS_PASSWORD'] : undefined);
  Object.defineProperty(connection, 'password', { value: password === '' ? undefined : password, enumerable: false });
  return connection as RedisConnection;
}
