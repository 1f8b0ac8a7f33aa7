import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors/config-error.js';
import { flag, nonEmptyString, positiveNumber, positiveSeconds } from './fields.js';
import { ignoredRouterSettings, litellmLookalikes, usedGeneralSettings, usedLitellmSettings, usedSections } from './ignored-litellm-keys.js';
import { didYouMean, nearMiss } from './near-miss.js';
import { parseRouterConfig, type Env } from './parse-router-config.js';
import { resolveEnvReferences } from './resolve-env-references.js';
import { litellmParamsSchema, type RouterConfig } from './router-config-schema.js';
import { type RouterSettings, secondsToMs } from './router-settings.js';
import { formatPath, toConfigIssues } from './zod-issues.js';
import { requestDefaultKeys } from './request-defaults.js';

/** A LiteLLM config.yaml, validated and mapped onto what rxllm runs. */
export interface ProxyConfig {
  /** The flat Router config (LiteLLM's `Router(...)` keywords, seconds), `os.environ/` resolved. */
  readonly router: RouterConfig;
  /** `router` validated (milliseconds, defaults applied). */
  readonly settings: RouterSettings;
  /** `general_settings.master_key`; not enumerable, so logging the config never prints it. */
  readonly masterKey: string | undefined;
  /** `general_settings.max_request_size_mb` (default 16) in bytes. */
  readonly maxRequestSizeBytes: number;
  /**
   * `general_settings.health_check_interval` (seconds, default 300) in ms when
   * `general_settings.background_health_checks` is true; undefined when background checks are off.
   */
  readonly healthCheckIntervalMs: number | undefined;
  /** The environment the config was read with: the given one plus `environment_variables`. */
  readonly env: Env;
  /** `litellm_settings.callbacks` has `prometheus`: the proxy serves `GET /metrics`. */
  readonly metrics: boolean;
  /** `litellm_settings.callbacks` has `otel`: the proxy traces calls with `@opentelemetry/api`'s global tracer. */
  readonly tracing: boolean;
  /** `litellm_settings.require_auth_for_metrics_endpoint` (LiteLLM's default: false, `/metrics` is open). */
  readonly requireAuthForMetrics: boolean;
  /** Paths of keys rxllm does not use (LiteLLM's `litellm_settings.success_callback`, ...): ignored, with a warning. */
  readonly ignoredKeys: readonly string[];
}

export const defaultMaxRequestSizeMb = 16;

/** LiteLLM's default `health_check_interval`, in seconds. */
export const defaultHealthCheckIntervalSeconds = 300;

const generalSettingsSchema = z.object({
  master_key: nonEmptyString.nullable().optional(),
  max_request_size_mb: positiveNumber.optional(),
  background_health_checks: flag.nullable().optional(),
  health_check_interval: positiveSeconds.nullable().optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });

type Mapping = Record<string, unknown>;

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A section that must be a mapping when present; `null` (an empty YAML section) counts as absent. */
function section(raw: Mapping, name: string, issues: ConfigIssue[]): Mapping {
  const value = raw[name];
  if (value === undefined || value === null) return {};
  if (isMapping(value)) return value;
  issues.push({ path: name, message: 'expected a mapping of settings' });
  return {};
}

/** Applies `environment_variables` on top of `env` (the file wins, as LiteLLM sets `os.environ`). */
function withEnvironmentVariables(raw: Mapping, env: Env, issues: ConfigIssue[]): Env {
  const variables = section(raw, 'environment_variables', issues);
  const out: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(variables)) {
    if (value === null || value === undefined) continue;
    const parsed = scalar.safeParse(value);
    if (parsed.success) out[name] = String(parsed.data);
    else issues.push({ path: formatPath(['environment_variables', name]), message: 'expected a string, number or boolean' });
  }
  return out;
}

function ignoredDeploymentParams(modelList: unknown): string[] {
  if (!Array.isArray(modelList)) return [];
  const known = new Set([...Object.keys(litellmParamsSchema.shape), ...requestDefaultKeys]);
  return modelList.flatMap((entry, index) => {
    const params = isMapping(entry) ? entry['litellm_params'] : undefined;
    if (!isMapping(params)) return [];
    return Object.keys(params)
      .filter((key) => !known.has(key))
      .map((key) => formatPath(['model_list', index, 'litellm_params', key]));
  });
}

/**
 * Maps a LiteLLM config.yaml (already parsed to plain data) onto rxllm: `model_list`, then
 * `litellm_settings` (`request_timeout` as the default `timeout`, `num_retries`, `fallbacks`, ...)
 * overridden key by key by `router_settings`, plus `general_settings` (`master_key`,
 * `max_request_size_mb`, `background_health_checks`, `health_check_interval`).
 * `environment_variables` are applied first, so `os.environ/NAME` anywhere sees them. Keys rxllm
 * does not use are listed in `ignoredKeys`, except near misses of keys it does use
 * (`stream_timout`, `request_timout`), which are errors.
 *
 * Throws one `ConfigError` listing every problem with the file's own paths
 * (`router_settings.timeout: ...`, `litellm_settings.request_timeout: ...`).
 *
 * @example
 * const config = parseProxyConfig(YAML.parse(text), process.env);
 * const router = new Router(config.router, { env: config.env });
 */
export function parseProxyConfig(raw: unknown, env: Env = process.env): ProxyConfig {
  if (!isMapping(raw)) throw new ConfigError([{ path: '', message: 'expected a mapping with model_list, router_settings, ...' }]);
  const issues: ConfigIssue[] = [];
  const ignoredKeys: string[] = [];
  /** A key rxllm does not use: a near miss of one it does is an error, anything else a warning. */
  const unused = (path: readonly PropertyKey[], key: string, used: Iterable<string>): void => {
    const meant = litellmLookalikes.has(key) ? undefined : nearMiss(key, used);
    if (meant === undefined) ignoredKeys.push(formatPath([...path, key]));
    else issues.push({ path: formatPath([...path, key]), message: didYouMean(meant) });
  };
  for (const key of Object.keys(raw)) if (!usedSections.has(key)) unused([], key, usedSections);
  const fullEnv = withEnvironmentVariables(raw, env, issues);
  const litellmSettings = section(raw, 'litellm_settings', issues);
  const routerSettings = section(raw, 'router_settings', issues);
  const generalSettings = section(raw, 'general_settings', issues);

  const observability = readObservabilitySettings(litellmSettings, issues, ignoredKeys);

  // Where each flat Router key came from, to report its problems with the file's path.
  const origin = new Map<string, string>();
  const flat: Mapping = {};
  for (const [key, value] of Object.entries(litellmSettings)) {
    if (observabilityKeys.has(key)) continue;
    const target = Object.hasOwn(usedLitellmSettings, key) ? usedLitellmSettings[key] : undefined;
    if (target === undefined) {
      unused(['litellm_settings'], key, Object.keys(usedLitellmSettings));
      continue;
    }
    flat[target] = resolveEnvReferences(value, fullEnv, issues, ['litellm_settings', key]);
    origin.set(target, `litellm_settings.${key}`);
  }
  for (const [key, value] of Object.entries(routerSettings)) {
    if (ignoredRouterSettings.has(key)) {
      ignoredKeys.push(`router_settings.${key}`);
      continue;
    }
    // Defined, not assigned: a key `__proto__` must reach the schema as the unknown key it is.
    Object.defineProperty(flat, key, {
      value: resolveEnvReferences(value, fullEnv, issues, ['router_settings', key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    origin.set(key, `router_settings.${key}`);
  }
  if (raw['model_list'] !== undefined) {
    flat['model_list'] = resolveEnvReferences(raw['model_list'], fullEnv, issues, ['model_list']);
    ignoredKeys.push(...ignoredDeploymentParams(raw['model_list']));
  }

  const general: Mapping = {};
  for (const [key, value] of Object.entries(generalSettings)) {
    if (!usedGeneralSettings.has(key)) unused(['general_settings'], key, usedGeneralSettings);
    else general[key] = resolveEnvReferences(value, fullEnv, issues, ['general_settings', key]);
  }
  const parsedGeneral = generalSettingsSchema.safeParse(general);
  if (!parsedGeneral.success) issues.push(...toConfigIssues(parsedGeneral.error, ['general_settings']));

  let settings: RouterSettings | undefined;
  try {
    settings = parseRouterConfig(flat, fullEnv);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // An unset `os.environ/NAME` was reported already; the schema's "got nothing" for it adds nothing.
    const reported = new Set(issues.map((issue) => issue.path));
    for (const issue of error.issues) {
      const path = filePath(issue.path, origin);
      if (!reported.has(path)) issues.push({ path, message: issue.message });
    }
  }
  if (issues.length > 0 || settings === undefined || !parsedGeneral.success) throw new ConfigError(issues);

  const config: Omit<ProxyConfig, 'masterKey'> = {
    router: flat as RouterConfig,
    settings,
    maxRequestSizeBytes: Math.round((parsedGeneral.data.max_request_size_mb ?? defaultMaxRequestSizeMb) * 1024 * 1024),
    healthCheckIntervalMs:
      parsedGeneral.data.background_health_checks === true
        ? secondsToMs(parsedGeneral.data.health_check_interval ?? defaultHealthCheckIntervalSeconds)
        : undefined,
    env: fullEnv,
    ...observability,
    ignoredKeys,
  };
  Object.defineProperty(config, 'masterKey', { value: parsedGeneral.data.master_key ?? undefined, enumerable: false });
  return config as ProxyConfig;
}

/** The `litellm_settings` keys that turn on metrics and tracing rather than set the Router. */
const observabilityKeys: ReadonlySet<string> = new Set(['callbacks', 'require_auth_for_metrics_endpoint']);

/** The callbacks rxllm acts on; LiteLLM's others (`langfuse`, `datadog`, ...) are ignored with a warning. */
const knownCallbacks: ReadonlySet<string> = new Set(['prometheus', 'otel']);

/**
 * LiteLLM's switches for observability, read as LiteLLM reads them: `callbacks: ["prometheus"]`
 * serves `/metrics`, `callbacks: ["otel"]` traces, and `require_auth_for_metrics_endpoint: true`
 * puts `/metrics` behind the master key (it is open by default).
 */
function readObservabilitySettings(
  litellmSettings: Mapping,
  issues: ConfigIssue[],
  ignoredKeys: string[],
): Pick<ProxyConfig, 'metrics' | 'tracing' | 'requireAuthForMetrics'> {
  const callbacks = litellmSettings['callbacks'];
  const names = new Set<string>();
  if (callbacks !== undefined && callbacks !== null) {
    const list: unknown[] = Array.isArray(callbacks) ? callbacks : [callbacks];
    list.forEach((name, index) => {
      const path = Array.isArray(callbacks) ? formatPath(['litellm_settings', 'callbacks', index]) : 'litellm_settings.callbacks';
      if (typeof name === 'string' && knownCallbacks.has(name)) names.add(name);
      else if (typeof name === 'string') ignoredKeys.push(path);
      else issues.push({ path, message: 'expected a callback name such as "prometheus" or "otel"' });
    });
  }
  const requireAuth = litellmSettings['require_auth_for_metrics_endpoint'];
  if (requireAuth !== undefined && requireAuth !== null && typeof requireAuth !== 'boolean') {
    issues.push({ path: 'litellm_settings.require_auth_for_metrics_endpoint', message: 'expected true or false' });
  }
  return { metrics: names.has('prometheus'), tracing: names.has('otel'), requireAuthForMetrics: requireAuth === true };
}

/** `timeout: ...` of the flat Router config → `litellm_settings.request_timeout: ...` or `router_settings.timeout: ...`. */
function filePath(flatPath: string, origin: ReadonlyMap<string, string>): string {
  if (flatPath === '' || flatPath.startsWith('model_list')) return flatPath;
  const key = /^[^.[]+/.exec(flatPath)?.[0] ?? flatPath;
  const from = origin.get(key) ?? `router_settings.${key}`;
  return from + flatPath.slice(key.length);
}
