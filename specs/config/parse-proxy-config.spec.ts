import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../src/config/parse-proxy-config.js';
import { ConfigError } from '../../src/errors/config-error.js';

const modelList = [
  { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: 'sk-a' } },
  { model_name: 'gpt-4o-mini', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'sk-b' } },
];

function issuesOf(raw: unknown, env: Record<string, string> = {}): { path: string; message: string }[] {
  try {
    parseProxyConfig(raw, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError');
}

describe('parseProxyConfig: mapping LiteLLM sections onto the Router', () => {
  it('maps litellm_settings onto Router keys, request_timeout as the default timeout', () => {
    const config = parseProxyConfig(
      {
        model_list: modelList,
        litellm_settings: {
          request_timeout: 45,
          num_retries: 4,
          fallbacks: [{ 'gpt-4o': ['gpt-4o-mini'] }],
          context_window_fallbacks: [{ 'gpt-4o-mini': ['gpt-4o'] }],
          content_policy_fallbacks: [{ 'gpt-4o': ['gpt-4o-mini'] }],
          default_fallbacks: ['gpt-4o-mini'],
          allowed_fails: 3,
          cooldown_time: 9,
        },
      },
      {},
    );
    expect(config.router).toMatchObject({
      timeout: 45,
      num_retries: 4,
      fallbacks: [{ 'gpt-4o': ['gpt-4o-mini'] }],
      default_fallbacks: ['gpt-4o-mini'],
      allowed_fails: 3,
      cooldown_time: 9,
    });
    expect(config.settings.timeoutMs).toBe(45_000);
    expect(config.settings.numRetries).toBe(4);
    expect(config.settings.contextWindowFallbacks).toEqual([{ 'gpt-4o-mini': ['gpt-4o'] }]);
    expect(config.settings.contentPolicyFallbacks).toEqual([{ 'gpt-4o': ['gpt-4o-mini'] }]);
    expect(config.settings.cooldownTimeMs).toBe(9_000);
    expect(config.ignoredKeys).toEqual([]);
  });

  it('lets router_settings win over litellm_settings, key by key', () => {
    const config = parseProxyConfig(
      {
        model_list: modelList,
        litellm_settings: { request_timeout: 45, num_retries: 4 },
        router_settings: { timeout: 10, stream_timeout: 2 },
      },
      {},
    );
    expect(config.settings.timeoutMs).toBe(10_000);
    expect(config.settings.streamTimeoutMs).toBe(2_000);
    expect(config.settings.numRetries).toBe(4);
  });

  it('defaults max_request_size_mb to 16 and has no master_key unless set', () => {
    const config = parseProxyConfig({ model_list: modelList }, {});
    expect(config.maxRequestSizeBytes).toBe(16 * 1024 * 1024);
    expect(config.masterKey).toBeUndefined();
  });

  it('reads general_settings, keeping master_key out of enumerable fields', () => {
    const config = parseProxyConfig(
      { model_list: modelList, general_settings: { master_key: 'sk-master-xyz', max_request_size_mb: 0.5 } },
      {},
    );
    expect(config.masterKey).toBe('sk-master-xyz');
    expect(config.maxRequestSizeBytes).toBe(512 * 1024);
    expect(JSON.stringify(config)).not.toContain('sk-master-xyz');
  });
});

describe('parseProxyConfig: environment', () => {
  it('applies environment_variables first, so os.environ/NAME sees them', () => {
    const config = parseProxyConfig(
      {
        environment_variables: { MY_KEY: 'sk-from-file', MY_TIMEOUT: 12 },
        model_list: [{ model_name: 'm', litellm_params: { model: 'openai/m', api_key: 'os.environ/MY_KEY' } }],
        router_settings: { timeout: 'os.environ/MY_TIMEOUT' },
      },
      { MY_KEY: 'sk-from-env' },
    );
    expect(config.settings.deployments[0]?.apiKey).toBe('sk-from-file');
    expect(config.env['MY_KEY']).toBe('sk-from-file');
    expect(config.settings.timeoutMs).toBe(12_000);
  });

  it('reads os.environ/NAME anywhere, numbers included', () => {
    const config = parseProxyConfig(
      {
        model_list: [{ model_name: 'm', litellm_params: { model: 'openai/m', timeout: 'os.environ/DEPLOYMENT_TIMEOUT' } }],
        litellm_settings: { num_retries: 'os.environ/RETRIES', request_timeout: 'os.environ/REQUEST_TIMEOUT' },
        general_settings: { master_key: 'os.environ/LITELLM_MASTER_KEY', max_request_size_mb: 'os.environ/MAX_MB' },
      },
      { DEPLOYMENT_TIMEOUT: '2.5', RETRIES: '1', REQUEST_TIMEOUT: '30', LITELLM_MASTER_KEY: 'sk-env-master', MAX_MB: '2' },
    );
    expect(config.settings.deployments[0]?.timeoutMs).toBe(2_500);
    expect(config.settings.numRetries).toBe(1);
    expect(config.settings.timeoutMs).toBe(30_000);
    expect(config.masterKey).toBe('sk-env-master');
    expect(config.maxRequestSizeBytes).toBe(2 * 1024 * 1024);
  });

  it('does not resolve references in keys it ignores', () => {
    const config = parseProxyConfig({ model_list: modelList, general_settings: { database_url: 'os.environ/DATABASE_URL' } }, {});
    expect(config.ignoredKeys).toEqual(['general_settings.database_url']);
  });
});

describe('parseProxyConfig: keys LiteLLM accepts and rxllm ignores', () => {
  it('loads the config and names every ignored key', () => {
    const config = parseProxyConfig(
      {
        model_list: [{ model_name: 'm', litellm_params: { model: 'openai/m', api_key: 'sk-a', temperature: 0.2, input_cost_per_second: 1 } }],
        litellm_settings: { callbacks: ['custom'], success_callback: ['langfuse'], drop_params: true, set_verbose: false, num_retries: 1 },
        router_settings: { redis_host: 'localhost', enable_pre_call_checks: true, timeout: 20 },
        general_settings: { database_url: 'postgres://x', master_key: 'sk-m', store_model_in_db: true },
        callback_settings: { otel: {} },
      },
      {},
    );
    expect([...config.ignoredKeys].sort()).toEqual(
      [
        'callback_settings',
        'general_settings.database_url',
        'general_settings.store_model_in_db',
        'litellm_settings.callbacks[0]',
        'litellm_settings.set_verbose',
        'litellm_settings.success_callback',
        // temperature is a request default now, sent on every call (specs/router/deployment-defaults.spec.ts)
        'model_list[0].litellm_params.input_cost_per_second',
        'router_settings.enable_pre_call_checks',
      ].sort(),
    );
    // redis_host is used now: the fleet shares deployment state through it (specs/config/redis-settings.spec.ts).
    expect(config.settings.redis).toEqual({ url: undefined, host: 'localhost', port: 6379 });
    expect(config.settings.numRetries).toBe(1);
    expect(config.settings.timeoutMs).toBe(20_000);
  });
});

describe('parseProxyConfig: a near miss of a key rxllm uses is an error, not an ignored key', () => {
  it('in litellm_params, litellm_settings, general_settings and the sections, naming the key meant', () => {
    const issues = issuesOf({
      model_list: [{ model_name: 'm', litellm_params: { model: 'openai/m', stream_timout: 1, temperature: 0.2 } }],
      litellm_settings: { request_timout: 5, 'Num-Retries': 1, callbacks: ['custom'], drop_params: true },
      general_settings: { master_kye: 'sk-m', max_request_size_mb: 2, database_url: 'postgres://x' },
      router_setings: { timeout: 3 },
      callback_settings: { otel: {} },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'model_list[0].litellm_params.stream_timout', message: 'unknown setting (did you mean "stream_timeout"?)' },
        { path: 'litellm_settings.request_timout', message: 'unknown setting (did you mean "request_timeout"?)' },
        { path: 'litellm_settings.Num-Retries', message: 'unknown setting (did you mean "num_retries"?)' },
        { path: 'general_settings.master_kye', message: 'unknown setting (did you mean "master_key"?)' },
        { path: 'router_setings', message: 'unknown setting (did you mean "router_settings"?)' },
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('keeps LiteLLM settings that only look close (callbacks is not fallbacks) as ignored keys', () => {
    const config = parseProxyConfig(
      {
        model_list: modelList,
        litellm_settings: { callbacks: ['custom'], fallbacks: [{ 'gpt-4o': ['gpt-4o-mini'] }] },
        general_settings: { max_response_size_mb: 4 },
      },
      {},
    );
    expect(config.ignoredKeys).toEqual(['litellm_settings.callbacks[0]', 'general_settings.max_response_size_mb']);
  });
});

describe('parseProxyConfig: problems, with the file paths', () => {
  it('reports every problem at once, by its path in the file', () => {
    const issues = issuesOf({
      model_list: [
        { model_name: 'a', litellm_params: { model: 'openai/a' } },
        { model_name: 'b', litellm_params: { model: 'openai/b' } },
        { model_name: 'c', litellm_params: { model: 'openai/c', timeout: -1 } },
      ],
      router_settings: { timeout: 'soon', stream_timout: 3 },
      litellm_settings: { request_timeout: 'later', num_retries: -2 },
      general_settings: { max_request_size_mb: 0, master_key: 'os.environ/UNSET_MASTER_KEY' },
    });
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'model_list[2].litellm_params.timeout',
        'router_settings.timeout',
        'router_settings.stream_timout',
        'litellm_settings.num_retries',
        'general_settings.max_request_size_mb',
        'general_settings.master_key',
      ]),
    );
    // router_settings.timeout wins, so litellm_settings.request_timeout is never read.
    expect(paths).not.toContain('litellm_settings.request_timeout');
    expect(issues.find((issue) => issue.path === 'general_settings.master_key')?.message).toMatch(/UNSET_MASTER_KEY is not set/);
    expect(issues.find((issue) => issue.path === 'router_settings.stream_timout')?.message).toBe('unknown setting (did you mean "stream_timeout"?)');
  });

  it('reports litellm_settings.request_timeout by its own name', () => {
    const issues = issuesOf({ model_list: modelList, litellm_settings: { request_timeout: 'later' } });
    expect(issues.map((issue) => issue.path)).toEqual(['litellm_settings.request_timeout']);
  });

  it('reports an unset environment variable once, at its path', () => {
    const issues = issuesOf({ model_list: [{ model_name: 'm', litellm_params: { model: 'os.environ/MODEL_NAME' } }] });
    expect(issues).toEqual([{ path: 'model_list[0].litellm_params.model', message: 'environment variable MODEL_NAME is not set' }]);
  });

  it('reports fallbacks to unknown groups under the section they came from', () => {
    const issues = issuesOf({ model_list: modelList, litellm_settings: { fallbacks: [{ 'gpt-4o': ['gpt-5'] }] } });
    expect(issues.map((issue) => issue.path)).toEqual(['litellm_settings.fallbacks[0].gpt-4o[0]']);
  });

  it('rejects a missing model_list, a section that is not a mapping, and a file that is not a mapping', () => {
    expect(issuesOf({ router_settings: { timeout: 5 } }).map((issue) => issue.path)).toEqual(['model_list']);
    expect(issuesOf({ model_list: modelList, router_settings: ['timeout'] }).map((issue) => issue.path)).toEqual(['router_settings']);
    expect(issuesOf(['model_list']).map((issue) => issue.path)).toEqual(['']);
    expect(issuesOf(null)).toHaveLength(1);
  });

  // Found by specs/config/config-fuzz.spec.ts: assigned to the flat Router config, the key set its
  // prototype, and `router_settings: {"__proto__": {...}}` loaded with no word.
  it('rejects router_settings.__proto__ as an unknown setting', () => {
    const issues = issuesOf(JSON.parse(`{"model_list": ${JSON.stringify(modelList)}, "router_settings": {"__proto__": {"timeout": "x"}}}`));
    expect(issues).toEqual([{ path: 'router_settings.__proto__', message: 'unknown setting' }]);
  });

  it('rejects environment_variables that are not scalars', () => {
    const issues = issuesOf({ model_list: modelList, environment_variables: { NESTED: { a: 1 } } });
    expect(issues.map((issue) => issue.path)).toEqual(['environment_variables.NESTED']);
  });
});

describe('parseProxyConfig: half-open recovery in router_settings (DESIGN §12)', () => {
  it('takes cooldown_probe_requests and max_cooldown_time, and reports their problems at their place in the file', () => {
    const config = parseProxyConfig({ model_list: modelList, router_settings: { cooldown_probe_requests: 2, max_cooldown_time: 120 } }, {});
    expect(config.settings).toMatchObject({ cooldownProbeRequests: 2, maxCooldownTimeMs: 120_000 });
    const issues = issuesOf({ model_list: modelList, router_settings: { cooldown_time: 10, max_cooldown_time: 5, cooldown_probe_requests: 'one' } });
    expect(issues).toEqual([
      { path: 'router_settings.cooldown_probe_requests', message: 'expected a whole number ≥ 0, got string "one"' },
    ]);
    expect(issuesOf({ model_list: modelList, router_settings: { cooldown_time: 10, max_cooldown_time: 5 } })).toEqual([
      { path: 'router_settings.max_cooldown_time', message: 'expected at least cooldown_time (10 s), got 5' },
    ]);
  });
});

describe('parseProxyConfig: typos in router_settings', () => {
  it('names the setting a misspelt key was meant to be, as in the other sections', () => {
    const issues = (() => {
      try {
        parseProxyConfig(
          {
            model_list: [{ model_name: 'm', litellm_params: { model: 'openai/m', mock_response: 'hi' } }],
            router_settings: { stream_timout: 2, num_retires: 1, retry_policy: { RateLimitErrorRetires: 1 } },
          },
          {},
        );
        return [];
      } catch (error) {
        return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
      }
    })();
    expect(issues.sort()).toEqual([
      'router_settings.num_retires: unknown setting (did you mean "num_retries"?)',
      'router_settings.retry_policy.RateLimitErrorRetires: unknown setting (did you mean "RateLimitErrorRetries"?)',
      'router_settings.stream_timout: unknown setting (did you mean "stream_timeout"?)',
    ]);
  });
});

describe('parseProxyConfig: metrics and tracing switches (LiteLLM litellm_settings)', () => {
  const modelList = [{ model_name: 'm', litellm_params: { model: 'openai/m', api_key: 'sk-a' } }];

  it('has metrics, tracing and auth for /metrics off when the config says nothing', () => {
    const config = parseProxyConfig({ model_list: modelList }, {});
    expect([config.metrics, config.tracing, config.requireAuthForMetrics]).toEqual([false, false, false]);
  });

  it('turns metrics on for callbacks: [prometheus] and tracing for otel, warning of the callbacks it does not run', () => {
    const config = parseProxyConfig(
      { model_list: modelList, litellm_settings: { callbacks: ['prometheus', 'langfuse', 'otel'], require_auth_for_metrics_endpoint: true } },
      {},
    );
    expect([config.metrics, config.tracing, config.requireAuthForMetrics]).toEqual([true, true, true]);
    expect(config.ignoredKeys).toEqual(['litellm_settings.callbacks[1]']);
  });

  it('refuses a require_auth_for_metrics_endpoint that is not a boolean, naming it', () => {
    expect(() => parseProxyConfig({ model_list: modelList, litellm_settings: { require_auth_for_metrics_endpoint: 'yes' } }, {})).toThrow(
      /litellm_settings\.require_auth_for_metrics_endpoint: expected true or false/,
    );
  });
});
