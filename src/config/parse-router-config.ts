import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import type { FallbackEntry } from '../protocol/chat.js';
import { resolveEnvReferences } from './resolve-env-references.js';
import { type DeploymentConfig, routerConfigSchema, type RouterConfig } from './router-config-schema.js';
import { toConfigIssues } from './zod-issues.js';
import { defaults, type Deployment, type RouterSettings, secondsToMs } from './router-settings.js';

export type Env = Readonly<Record<string, string | undefined>>;

const supportedProviders = new Set(['openai']);

function optionalMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : secondsToMs(seconds);
}

function splitProvider(model: string): { provider: string; model: string } {
  const slash = model.indexOf('/');
  if (slash <= 0) return { provider: 'openai', model };
  return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
}

function toDeployment(config: DeploymentConfig, id: string, env: Env): Deployment {
  const params = config.litellm_params;
  const { provider, model } = splitProvider(params.model);
  const deployment: Omit<Deployment, 'apiKey'> = {
    id,
    group: config.model_name,
    provider,
    model,
    apiBase: (params.api_base ?? env['OPENAI_API_BASE'] ?? env['OPENAI_BASE_URL'] ?? defaults.openaiApiBase).replace(/\/+$/, ''),
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
  };
  // Kept off the enumerable keys so that logging or serialising a deployment never shows the key.
  Object.defineProperty(deployment, 'apiKey', { value: params.api_key ?? env['OPENAI_API_KEY'], enumerable: false });
  return deployment as Deployment;
}

function checkFallbackList(
  list: readonly FallbackEntry[] | undefined,
  name: string,
  groups: ReadonlyMap<string, unknown>,
  issues: ConfigIssue[],
): void {
  list?.forEach((entry, index) => {
    for (const [from, targets] of Object.entries(entry)) {
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
 * Validates a Router config (LiteLLM's flat shape, seconds) and turns it into typed settings.
 * Throws one `ConfigError` listing every problem as `path: message`.
 */
export function parseRouterConfig(raw: unknown, env: Env = process.env): RouterSettings {
  const issues: ConfigIssue[] = [];
  const resolved = resolveEnvReferences(raw, env, issues);
  const parsed = routerConfigSchema.safeParse(resolved);
  if (!parsed.success) throw new ConfigError([...issues, ...toConfigIssues(parsed.error)]);
  if (issues.length > 0) throw new ConfigError(issues);
  return toSettings(parsed.data, env);
}

function toSettings(config: RouterConfig, env: Env): RouterSettings {
  const issues: ConfigIssue[] = [];
  const groups = new Map<string, Deployment[]>();
  const ids = new Set<string>();
  const deployments = config.model_list.map((entry, index) => {
    const group = groups.get(entry.model_name) ?? [];
    const id = entry.model_info?.id ?? `${entry.model_name}/${group.length}`;
    if (ids.has(id)) issues.push({ path: `model_list[${index}].model_info.id`, message: `duplicate deployment id "${id}"` });
    ids.add(id);
    const deployment = toDeployment(entry, id, env);
    const mocked = deployment.mockResponse !== undefined || deployment.mockTimeout;
    if (!mocked && !supportedProviders.has(deployment.provider)) {
      issues.push({
        path: `model_list[${index}].litellm_params.model`,
        message: `provider "${deployment.provider}" is not supported (use openai/<model> for any OpenAI-compatible API)`,
      });
    }
    group.push(deployment);
    groups.set(entry.model_name, group);
    return deployment;
  });

  checkFallbackList(config.fallbacks, 'fallbacks', groups, issues);
  checkFallbackList(config.context_window_fallbacks, 'context_window_fallbacks', groups, issues);
  checkFallbackList(config.content_policy_fallbacks, 'content_policy_fallbacks', groups, issues);
  config.default_fallbacks?.forEach((target, index) => {
    if (!groups.has(target)) issues.push({ path: `default_fallbacks[${index}]`, message: `unknown model group "${target}"` });
  });
  for (const group of Object.keys(config.model_group_retry_policy ?? {})) {
    if (!groups.has(group)) issues.push({ path: `model_group_retry_policy.${group}`, message: `unknown model group "${group}"` });
  }
  if (issues.length > 0) throw new ConfigError(issues);

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
    routingStrategy: config.routing_strategy ?? 'simple-shuffle',
    routingStrategyArgs: config.routing_strategy_args ?? {},
    cooldownTimeMs: secondsToMs(config.cooldown_time ?? defaults.cooldownTimeSeconds),
    disableCooldowns: config.disable_cooldowns ?? false,
    allowedFails: config.allowed_fails,
    allowedFailsPolicy: config.allowed_fails_policy,
  };
}
