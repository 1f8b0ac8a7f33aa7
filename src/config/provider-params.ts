import { type AwsCredentials, bedrockAuth, bedrockRuntimeBase } from './bedrock-auth.js';
import type { Env } from './parse-router-config.js';
import { defaults } from './router-settings.js';

/** The `litellm_params` a provider's connection is made of, after their environment fallbacks. */
export interface ProviderParams {
  readonly apiBase: string | undefined;
  readonly apiKey: string | undefined;
  readonly apiVersion: string | undefined;
  readonly azureAdToken: string | undefined;
  readonly awsRegionName: string | undefined;
  readonly awsCredentials: AwsCredentials | undefined;
}

type Param = 'api_base' | 'api_key' | 'api_version' | 'azure_ad_token' | 'aws_region_name' | 'aws_access_key_id' | 'aws_secret_access_key';

interface ParamRule {
  /** Read, in order, when the deployment does not give the param (LiteLLM's variables). */
  readonly env: readonly string[];
  readonly fallback?: string;
  /** The deployment cannot be called without it (or what `alternative` names). */
  readonly required?: boolean;
  /** Another param that stands in for this one when given (Azure: a Entra ID token instead of a key). */
  readonly alternative?: Param;
}

/** Per provider prefix of `litellm_params.model`: where each connection param comes from. */
const rules: Readonly<Record<string, Partial<Record<Param, ParamRule>>>> = {
  openai: {
    api_base: { env: ['OPENAI_API_BASE', 'OPENAI_BASE_URL'], fallback: defaults.openaiApiBase },
    api_key: { env: ['OPENAI_API_KEY'] },
  },
  anthropic: {
    api_base: { env: ['ANTHROPIC_API_BASE', 'ANTHROPIC_BASE_URL'], fallback: 'https://api.anthropic.com' },
    api_key: { env: ['ANTHROPIC_API_KEY'], required: true },
  },
  azure: {
    api_base: { env: ['AZURE_API_BASE'], required: true },
    api_key: { env: ['AZURE_API_KEY', 'AZURE_OPENAI_API_KEY'], required: true, alternative: 'azure_ad_token' },
    api_version: { env: ['AZURE_API_VERSION'], required: true },
    azure_ad_token: { env: ['AZURE_AD_TOKEN'] },
  },
  gemini: {
    api_base: { env: ['GEMINI_API_BASE'], fallback: 'https://generativelanguage.googleapis.com' },
    api_key: { env: ['GEMINI_API_KEY'], required: true },
  },
  // The keys are resolved together by bedrockAuth; these rules only say what a deployment lacks.
  bedrock: {
    aws_region_name: { env: ['AWS_REGION', 'AWS_DEFAULT_REGION'], required: true },
    aws_access_key_id: { env: ['AWS_ACCESS_KEY_ID'], required: true, alternative: 'api_key' },
    aws_secret_access_key: { env: ['AWS_SECRET_ACCESS_KEY'], required: true, alternative: 'api_key' },
    api_key: { env: ['AWS_BEARER_TOKEN_BEDROCK'] },
    api_base: { env: ['AWS_BEDROCK_RUNTIME_ENDPOINT'] },
  },
};

/** The provider prefixes rxllm can call, in the order error messages list them. */
export const supportedProviders: readonly string[] = Object.keys(rules);

function given(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function resolve(provider: string, param: Param, params: Readonly<Record<string, unknown>>, env: Env): string | undefined {
  const rule = rules[provider]?.[param];
  const own = given(params[param]);
  if (own !== undefined || rule === undefined) return own;
  for (const name of rule.env) {
    const value = given(env[name]);
    if (value !== undefined) return value;
  }
  return rule.fallback;
}

/**
 * The environment variable a deployment of `provider` takes its `api_base` from, and its value:
 * undefined when the deployment gives its own, or none of the provider's variables is set.
 *
 * @example
 * apiBaseVariable('openai', {}, { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' }) // { name: 'OPENAI_BASE_URL', value: 'http://127.0.0.1:8000/v1' }
 */
export function apiBaseVariable(provider: string, params: Readonly<Record<string, unknown>>, env: Env): { readonly name: string; readonly value: string } | undefined {
  if (params['api_base'] !== undefined) return undefined;
  for (const name of rules[provider]?.api_base?.env ?? []) {
    const value = given(env[name]);
    if (value !== undefined) return { name, value };
  }
  return undefined;
}

/**
 * A deployment's connection params for `provider`: each from `litellm_params`, else the provider's
 * environment variables (LiteLLM's names), else its default. `api_base` loses its trailing slashes.
 * Bedrock's defaults to the region's runtime endpoint, and its credentials are chosen by `bedrockAuth`.
 *
 * @example
 * providerParams('azure', { api_version: '2024-10-21' }, { AZURE_API_BASE: 'https://x.openai.azure.com', AZURE_API_KEY: 'k' })
 */
export function providerParams(provider: string, params: Readonly<Record<string, unknown>>, env: Env): ProviderParams {
  const awsRegionName = resolve(provider, 'aws_region_name', params, env);
  const regionalBase = provider === 'bedrock' && awsRegionName !== undefined ? bedrockRuntimeBase(awsRegionName) : undefined;
  return {
    apiBase: (resolve(provider, 'api_base', params, env) ?? regionalBase)?.replace(/\/+$/, ''),
    apiKey: resolve(provider, 'api_key', params, env),
    apiVersion: resolve(provider, 'api_version', params, env),
    azureAdToken: resolve(provider, 'azure_ad_token', params, env),
    awsRegionName,
    awsCredentials: undefined,
    ...(provider === 'bedrock' ? bedrockAuth(params, env) : {}),
  };
}

/**
 * What a deployment of `provider` lacks to be called, as `[param, message]` pairs (the message names
 * the variables that would do, e.g. `required for azure/ (or set AZURE_API_VERSION)`); an unknown
 * provider says which ones are known.
 */
export function missingProviderParams(
  provider: string,
  params: Readonly<Record<string, unknown>>,
  env: Env,
): readonly (readonly ['model' | Param, string])[] {
  const own = rules[provider];
  if (own === undefined) {
    return [
      [
        'model',
        `provider "${provider}" is not supported (supported: ${supportedProviders.map((name) => `${name}/`).join(', ')}; ` +
          'use openai/<model> for any OpenAI-compatible API)',
      ],
    ];
  }
  const missing: (readonly [Param, string])[] = [];
  for (const [param, rule] of Object.entries(own) as [Param, ParamRule][]) {
    if (rule.required !== true || resolve(provider, param, params, env) !== undefined) continue;
    if (rule.alternative !== undefined && resolve(provider, rule.alternative, params, env) !== undefined) continue;
    const ways = [
      ...(rule.env.length === 0 ? [] : [`set ${rule.env.join(' or ')}`]),
      ...(rule.alternative === undefined ? [] : [`give ${rule.alternative}`]),
    ];
    missing.push([param, `required for ${provider}/${ways.length === 0 ? '' : ` (or ${ways.join(', or ')})`}`]);
  }
  return missing;
}
