import { describe, expect, it } from 'vitest';
import { parseRouterConfig, type Env } from '../../src/config/parse-router-config.js';
import { ConfigError, formatIssue } from '../../src/errors/config-error.js';

type Params = Record<string, unknown>;

function deployment(params: Params = {}, modelName = 'gpt-4o', extra: Record<string, unknown> = {}) {
  return { model_name: modelName, litellm_params: { model: 'openai/gpt-4o', ...params }, ...extra };
}

/** The issues of the ConfigError that `raw` must produce, as `path: message` lines. */
function issuesOf(raw: unknown, env: Env = {}): string[] {
  let thrown: unknown;
  try {
    parseRouterConfig(raw, env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  const error = thrown as ConfigError;
  const lines = error.issues.map(formatIssue);
  // The message shows a person exactly the same list.
  for (const line of lines) expect(error.message).toContain(`  ${line}`);
  return lines;
}

describe('parseRouterConfig', () => {
  describe('rejects an invalid config with every problem as `path: message`', () => {
    it.each<[string, unknown, Env, string[]]>([
      [
        'a bad deployment timeout, at its index',
        { model_list: [deployment(), deployment(), deployment({ timeout: -1 })] },
        {},
        ['model_list[2].litellm_params.timeout: expected a positive number of seconds, got number -1'],
      ],
      [
        'several problems at once, none hidden by another',
        {
          model_list: [deployment({ stream_timeout: 'soon', num_retries: 1.5, rpm: 0 }), { model_name: '', litellm_params: {} }],
          timeout: 0,
          cooldown_time: -1,
          max_fallbacks: -2,
          routing_strategy: 'fastest',
        },
        {},
        [
          'model_list[0].litellm_params.stream_timeout: expected a positive number of seconds, got string "soon"',
          'model_list[0].litellm_params.num_retries: expected a whole number ≥ 0, got number 1.5',
          'model_list[0].litellm_params.rpm: expected a positive number, got number 0',
          'model_list[1].model_name: expected a non-empty string',
          'model_list[1].litellm_params.model: expected a string, got nothing',
          'timeout: expected a positive number of seconds, got number 0',
          'cooldown_time: expected a number of seconds ≥ 0, got number -1',
          'max_fallbacks: expected a whole number ≥ 0, got number -2',
          'routing_strategy: expected one of simple-shuffle, least-busy, latency-based-routing, usage-based-routing, usage-based-routing-v2, cost-based-routing',
        ],
      ],
      [
        'unknown keys, one by one, at every strict level',
        {
          model_list: [deployment({}, 'gpt-4o', { litellm_param: {} })],
          stream_timeuot: 5,
          retry_policy: { TimeoutErrorRetries: 1, TimeoutRetries: 2 },
          allowed_fails_policy: { RateLimitAllowedFails: 1 },
        },
        {},
        [
          'model_list[0].litellm_param: unknown setting (did you mean "litellm_params"?)',
          'stream_timeuot: unknown setting (did you mean "stream_timeout"?)',
          'retry_policy.TimeoutRetries: unknown setting',
          'allowed_fails_policy.RateLimitAllowedFails: unknown setting',
        ],
      ],
      [
        'half-open settings out of range, or misspelt',
        { model_list: [deployment()], cooldown_probe_requests: -1, max_cooldown_time: 0, cooldown_probe_request: 2 },
        {},
        [
          'cooldown_probe_requests: expected a whole number ≥ 0, got number -1',
          'max_cooldown_time: expected a positive number of seconds, got number 0',
          'cooldown_probe_request: unknown setting (did you mean "cooldown_probe_requests"?)',
        ],
      ],
      [
        'a fractional number of probes',
        { model_list: [deployment()], cooldown_probe_requests: 1.5 },
        {},
        ['cooldown_probe_requests: expected a whole number ≥ 0, got number 1.5'],
      ],
      [
        'a max_cooldown_time shorter than the cooldown_time it caps',
        { model_list: [deployment()], cooldown_time: 60, max_cooldown_time: 30 },
        {},
        ['max_cooldown_time: expected at least cooldown_time (60 s), got 30'],
      ],
      ['a config that is not an object', 'model_list: []', {}, ['expected a Router config object, got string "model_list: []"']],
      ['a missing config', undefined, {}, ['expected a Router config object, got nothing']],
      ['a missing model_list', {}, {}, ['model_list: expected a list of deployments']],
      ['an empty model_list', { model_list: [] }, {}, ['model_list: expected at least one deployment']],
      [
        'deployments of the wrong shape',
        { model_list: [1, { model_name: 'a' }, { model_name: 'b', litellm_params: 'openai/x' }] },
        {},
        [
          'model_list[0]: expected a deployment { model_name, litellm_params, model_info }, got number 1',
          'model_list[1].litellm_params: expected an object of litellm_params, got nothing',
          'model_list[2].litellm_params: expected an object of litellm_params, got string "openai/x"',
        ],
      ],
      [
        'flags and counts that are not what they say',
        { model_list: [deployment({ mock_timeout: 'yes', max_parallel_requests: 1.5 })], disable_cooldowns: 'maybe', num_retries: 'two' },
        {},
        [
          'model_list[0].litellm_params.max_parallel_requests: expected a whole number',
          'model_list[0].litellm_params.mock_timeout: expected true or false, got string "yes"',
          'disable_cooldowns: expected true or false, got string "maybe"',
          'num_retries: expected a whole number ≥ 0, got string "two"',
        ],
      ],
      [
        'a fallbacks list of the wrong shape',
        { model_list: [deployment()], fallbacks: { 'gpt-4o': ['x'] }, context_window_fallbacks: [{ 'gpt-4o': 'x' }] },
        {},
        [
          'fallbacks: expected a list of { group: [fallback groups] } entries, got an object',
          'context_window_fallbacks[0].gpt-4o: expected a list of model group names, got string "x"',
        ],
      ],
      [
        'an environment variable that is not set, once, at the path that names it',
        { model_list: [deployment({ model: 'os.environ/MODEL', api_key: 'os.environ/OPENAI_KEY' })], timeout: 'os.environ/TIMEOUT' },
        {},
        [
          'model_list[0].litellm_params.model: environment variable MODEL is not set',
          'model_list[0].litellm_params.api_key: environment variable OPENAI_KEY is not set',
          'timeout: environment variable TIMEOUT is not set',
        ],
      ],
      [
        'a value read from the environment that is not a number where one is needed',
        { model_list: [deployment({ timeout: 'os.environ/TIMEOUT' })], num_retries: 'os.environ/RETRIES' },
        { TIMEOUT: 'soon', RETRIES: '' },
        [
          'model_list[0].litellm_params.timeout: expected a positive number of seconds, got string "soon"',
          'num_retries: expected a whole number ≥ 0, got string ""',
        ],
      ],
      [
        'duplicate deployment ids, explicit or generated, string or number',
        {
          model_list: [
            deployment({}, 'gpt-4o', { model_info: { id: 'a' } }),
            deployment({}, 'gpt-4o', { model_info: { id: 'a' } }),
            deployment({}, 'mini', { model_info: { id: 'mini/1' } }),
            deployment({}, 'mini'),
            deployment({}, 'mini'),
            deployment({}, 'o1', { model_info: { id: 7 } }),
            deployment({}, 'o1', { model_info: { id: '7' } }),
          ],
        },
        {},
        [
          'model_list[1].model_info.id: duplicate deployment id "a"',
          'model_list[3].model_info.id: duplicate deployment id "mini/1"',
          'model_list[6].model_info.id: duplicate deployment id "7"',
        ],
      ],
      [
        'fallbacks and retry policies naming groups that do not exist',
        {
          model_list: [deployment({}, 'gpt-4o'), deployment({}, 'mini')],
          fallbacks: [{ 'gpt-4o': ['mini', 'gpt-5'] }, { 'gpt-4': ['mini'] }],
          context_window_fallbacks: [{ 'gpt-4o': ['gpt-4o-128k'] }],
          content_policy_fallbacks: [{ '*': ['claude'] }],
          default_fallbacks: ['mini', 'o3'],
          model_group_retry_policy: { 'gpt-4o': { RateLimitErrorRetries: 1 }, 'gpt4o': {} },
        },
        {},
        [
          'fallbacks[0].gpt-4o[1]: unknown model group "gpt-5"',
          'fallbacks[1].gpt-4: unknown model group "gpt-4"',
          'context_window_fallbacks[0].gpt-4o[0]: unknown model group "gpt-4o-128k"',
          'content_policy_fallbacks[0].*[0]: unknown model group "claude"',
          'default_fallbacks[1]: unknown model group "o3"',
          'model_group_retry_policy.gpt4o: unknown model group "gpt4o"',
        ],
      ],
      [
        'a provider rxllm cannot call',
        { model_list: [deployment({ model: 'cohere/command-r' }, 'command'), deployment({ model: 'mistral/x' }, 'b')] },
        {},
        [
          'model_list[0].litellm_params.model: provider "cohere" is not supported (supported: openai/, anthropic/, azure/, gemini/, bedrock/; use openai/<model> for any OpenAI-compatible API)',
          'model_list[1].litellm_params.model: provider "mistral" is not supported (supported: openai/, anthropic/, azure/, gemini/, bedrock/; use openai/<model> for any OpenAI-compatible API)',
        ],
      ],
      [
        'an api_base that is not an http(s) URL, quoted as given',
        {
          model_list: [
            deployment({ api_base: 'localhost:8000' }),
            deployment({ api_base: 'ftp://x' }),
            deployment({ api_base: 'not a url' }),
            deployment({ api_base: 'http://' }),
            deployment({ api_base: 'https://host:99999/v1' }),
            deployment({ api_base: '' }),
            deployment({ api_base: 8000 }),
          ],
        },
        {},
        [
          'model_list[0].litellm_params.api_base: expected an http(s) URL, got "localhost:8000"',
          'model_list[1].litellm_params.api_base: expected an http(s) URL, got "ftp://x"',
          'model_list[2].litellm_params.api_base: expected an http(s) URL, got "not a url"',
          'model_list[3].litellm_params.api_base: expected an http(s) URL, got "http://"',
          'model_list[4].litellm_params.api_base: expected an http(s) URL, got "https://host:99999/v1"',
          'model_list[5].litellm_params.api_base: expected an http(s) URL, got ""',
          'model_list[6].litellm_params.api_base: expected an http(s) URL, got number 8000',
        ],
      ],
      [
        'an api_base read through os.environ/NAME that is not an http(s) URL',
        { model_list: [deployment({ api_base: 'os.environ/BASE' })] },
        { BASE: 'localhost:8000' },
        ['model_list[0].litellm_params.api_base: expected an http(s) URL, got "localhost:8000"'],
      ],
      [
        'an api_base with credentials or a key in it: the secret is not repeated',
        {
          model_list: [
            deployment({ api_base: 'ftp://alice:s3cret-pw@host/v1' }),
            deployment({ api_base: 'bob:hunter2@localhost:8000' }),
            deployment({ api_base: 'gopher://host/v1?api-key=sk-live-123&x=1' }),
            deployment({ api_base: 'os.environ/BASE' }),
          ],
        },
        { BASE: 'sk-proj-0123456789abcdefghijklmnop' },
        [
          'model_list[0].litellm_params.api_base: expected an http(s) URL, got "ftp://***@host/v1"',
          'model_list[1].litellm_params.api_base: expected an http(s) URL, got "***@localhost:8000"',
          'model_list[2].litellm_params.api_base: expected an http(s) URL, got "gopher://host/v1?api-key=***&x=***"',
          'model_list[3].litellm_params.api_base: expected an http(s) URL, got a string of 34 characters',
        ],
      ],
      [
        'OPENAI_API_BASE or OPENAI_BASE_URL that is not an http(s) URL, for each deployment that would call it',
        {
          model_list: [
            deployment(),
            deployment({ api_base: 'http://127.0.0.1:4010/v1' }),
            deployment({ mock_response: 'hi' }),
            deployment({}, 'mini'),
          ],
        },
        { OPENAI_API_BASE: 'localhost:8000' },
        [
          'model_list[0].litellm_params.api_base: expected an http(s) URL, got "localhost:8000" (from the environment variable OPENAI_API_BASE)',
          'model_list[3].litellm_params.api_base: expected an http(s) URL, got "localhost:8000" (from the environment variable OPENAI_API_BASE)',
        ],
      ],
      [
        "another provider's base URL variable that is not an http(s) URL",
        { model_list: [deployment({ model: 'azure/gpt-4o', api_key: 'k', api_version: '2024-10-21' })] },
        { AZURE_API_BASE: 'my-resource.openai.azure.com' },
        ['model_list[0].litellm_params.api_base: expected an http(s) URL, got "my-resource.openai.azure.com" (from the environment variable AZURE_API_BASE)'],
      ],
      [
        'OPENAI_BASE_URL that is not an http(s) URL, its secrets redacted',
        { model_list: [deployment()] },
        { OPENAI_API_BASE: '', OPENAI_BASE_URL: 'https://user:pw@' },
        ['model_list[0].litellm_params.api_base: expected an http(s) URL, got "https://***@" (from the environment variable OPENAI_BASE_URL)'],
      ],
      [
        'problems between parts of the config together with problems inside them',
        {
          model_list: [deployment({ timeout: 'x' }, 'gpt-4o'), deployment({ model: 'vertex_ai/gemini' }, 'vertex'), deployment({}, 'gpt-4o', { model_info: { id: 'gpt-4o/0' } })],
          fallbacks: [{ 'gpt-4o': ['nope'] }],
          stream_timeout: -5,
        },
        {},
        [
          'model_list[0].litellm_params.timeout: expected a positive number of seconds, got string "x"',
          'stream_timeout: expected a positive number of seconds, got number -5',
          'model_list[1].litellm_params.model: provider "vertex_ai" is not supported (supported: openai/, anthropic/, azure/, gemini/, bedrock/; use openai/<model> for any OpenAI-compatible API)',
          'model_list[2].model_info.id: duplicate deployment id "gpt-4o/0"',
          'fallbacks[0].gpt-4o[0]: unknown model group "nope"',
        ],
      ],
    ])('%s', (_, raw, env, expected) => {
      const issues = issuesOf(raw, env);
      expect(issues).toEqual(expect.arrayContaining(expected));
      expect(issues).toHaveLength(expected.length);
    });
  });

  it('never repeats the credentials of an api_base it rejects, in the config or the environment', () => {
    const raw = {
      model_list: [
        deployment({ api_base: 'ftp://alice:s3cret-pw@host/v1' }),
        deployment({ api_base: 'bob:hunter2@localhost:8000' }),
        deployment({ api_base: 'ws://host/v1?key=sk-live-123' }),
        deployment({ api_base: 'os.environ/BASE' }),
        deployment({}, 'mini'),
      ],
    };
    const env = { BASE: 'sk-proj-0123456789abcdefghijklmnop', OPENAI_API_BASE: 'https://u:sk-env-secret@/v1' };
    const error = (() => {
      try {
        parseRouterConfig(raw, env);
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.issues).toHaveLength(5);
    for (const secret of ['s3cret-pw', 'hunter2', 'sk-live-123', 'sk-proj-0123456789abcdefghijklmnop', 'sk-env-secret']) {
      expect(error.message).not.toContain(secret);
    }
  });

  // Found by specs/config/config-fuzz.spec.ts (JSON.parse makes `__proto__` an own key): these loaded,
  // the settings read from the prototype the key had set.
  it.each<[string, string, string[]]>([
    [
      'a deployment whose litellm_params are all under __proto__',
      '{"model_list": [{"model_name": "a", "litellm_params": {"__proto__": {"model": "openai/a"}}}]}',
      ['model_list[0].litellm_params.model: expected a string, got nothing'],
    ],
    [
      'a model_list under __proto__',
      '{"__proto__": {"model_list": [{"model_name": "a", "litellm_params": {"model": "openai/a"}}]}}',
      ['model_list: expected a list of deployments', '__proto__: unknown setting'],
    ],
  ])('rejects %s: the key is unknown, not a prototype', (_, json, expected) => {
    expect(issuesOf(JSON.parse(json))).toEqual(expected);
  });

  it('rejects a config nested deeper than any real one, without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 20_000; level++) deep = { k: deep };
    const [issue] = issuesOf({ model_list: [deployment()], routing_strategy_args: deep });
    expect(issue).toMatch(/^routing_strategy_args(\.k)+: nested more than 64 levels deep$/);
  });

  describe('accepts', () => {
    it('a minimal config, applying the defaults (timeout 600 s, 2 retries, 5 fallbacks, 5 s cooldown)', () => {
      const settings = parseRouterConfig({ model_list: [deployment()] }, {});
      expect(settings).toMatchObject({
        timeoutMs: 600_000,
        streamTimeoutMs: undefined,
        streamIdleTimeoutMs: undefined,
        numRetries: 2,
        retryAfterMs: 0,
        maxFallbacks: 5,
        cooldownTimeMs: 5_000,
        disableCooldowns: false,
        cooldownProbeRequests: 1,
        maxCooldownTimeMs: 300_000,
        routingStrategy: 'simple-shuffle',
        routingStrategyArgs: {},
        fallbacks: [],
        defaultFallbacks: [],
        contextWindowFallbacks: [],
        contentPolicyFallbacks: [],
        modelGroupRetryPolicy: {},
        retryPolicy: undefined,
        allowedFails: undefined,
      });
      expect(settings.deployments[0]).toMatchObject({
        id: 'gpt-4o/0',
        group: 'gpt-4o',
        provider: 'openai',
        model: 'gpt-4o',
        apiBase: 'https://api.openai.com/v1',
        timeoutMs: undefined,
        numRetries: undefined,
        mockTimeout: false,
      });
    });

    it('cooldown_probe_requests, 0 included (no half-open), and max_cooldown_time equal to cooldown_time', () => {
      expect(parseRouterConfig({ model_list: [deployment()], cooldown_probe_requests: 0 }, {}).cooldownProbeRequests).toBe(0);
      expect(parseRouterConfig({ model_list: [deployment()], cooldown_probe_requests: '3' }, {}).cooldownProbeRequests).toBe(3);
      expect(parseRouterConfig({ model_list: [deployment()], cooldown_time: 30, max_cooldown_time: 30 }, {}).maxCooldownTimeMs).toBe(30_000);
    });

    it('durations in seconds, turned into milliseconds', () => {
      const settings = parseRouterConfig(
        {
          model_list: [deployment({ timeout: 30, stream_timeout: 0.7, stream_idle_timeout: 2.5, cooldown_time: 0 })],
          timeout: 120,
          stream_timeout: 5,
          stream_idle_timeout: 10,
          retry_after: 1,
          cooldown_time: 60,
          max_cooldown_time: 600,
        },
        {},
      );
      expect(settings).toMatchObject({
        timeoutMs: 120_000,
        streamTimeoutMs: 5_000,
        streamIdleTimeoutMs: 10_000,
        retryAfterMs: 1_000,
        cooldownTimeMs: 60_000,
        maxCooldownTimeMs: 600_000,
      });
      expect(settings.deployments[0]).toMatchObject({ timeoutMs: 30_000, streamTimeoutMs: 700, streamIdleTimeoutMs: 2_500, cooldownTimeMs: 0 });
    });

    it('os.environ/NAME references, converting them where the schema wants a number or a flag', () => {
      const env = { KEY: 'sk-from-env', BASE: 'http://127.0.0.1:4010/v1/', TIMEOUT: '12', RETRIES: '3', MOCK: 'true', GROUP: 'mini' };
      const settings = parseRouterConfig(
        {
          model_list: [
            deployment({ api_key: 'os.environ/KEY', api_base: 'os.environ/BASE', timeout: 'os.environ/TIMEOUT', mock_timeout: 'os.environ/MOCK' }),
            deployment({}, 'mini'),
          ],
          num_retries: 'os.environ/RETRIES',
          fallbacks: [{ 'gpt-4o': ['os.environ/GROUP'] }],
        },
        env,
      );
      expect(settings.numRetries).toBe(3);
      expect(settings.fallbacks).toEqual([{ 'gpt-4o': ['mini'] }]);
      expect(settings.deployments[0]).toMatchObject({ apiBase: 'http://127.0.0.1:4010/v1', timeoutMs: 12_000, mockTimeout: true, apiKey: 'sk-from-env' });
    });

    it('an api key and base from OPENAI_API_KEY and OPENAI_API_BASE when the deployment has none', () => {
      const [first] = parseRouterConfig({ model_list: [deployment()] }, { OPENAI_API_KEY: 'sk-env', OPENAI_API_BASE: 'http://local/v1' }).deployments;
      expect(first).toMatchObject({ apiKey: 'sk-env', apiBase: 'http://local/v1' });
    });

    it('an http(s) api_base of any shape the URL parser takes (port, path, IPv6, credentials)', () => {
      const bases = ['http://localhost:8000', 'https://example.com/openai/v1/', 'http://[::1]:4010/v1', 'https://user:pw@host/v1', 'HTTP://Host'];
      const settings = parseRouterConfig({ model_list: bases.map((api_base) => deployment({ api_base })) }, {});
      expect(settings.deployments.map(({ apiBase }) => apiBase)).toEqual([
        'http://localhost:8000',
        'https://example.com/openai/v1',
        'http://[::1]:4010/v1',
        'https://user:pw@host/v1',
        'HTTP://Host',
      ]);
    });

    it('OPENAI_BASE_URL when OPENAI_API_BASE is unset or empty; the default when both are', () => {
      const base = (env: Env) => parseRouterConfig({ model_list: [deployment()] }, env).deployments[0]?.apiBase;
      expect(base({ OPENAI_BASE_URL: 'http://b/v1' })).toBe('http://b/v1');
      expect(base({ OPENAI_API_BASE: '', OPENAI_BASE_URL: 'http://b/v1' })).toBe('http://b/v1');
      expect(base({ OPENAI_API_BASE: '', OPENAI_BASE_URL: '' })).toBe('https://api.openai.com/v1');
    });

    it('a mocked deployment whatever OPENAI_API_BASE holds: it never calls it', () => {
      const settings = parseRouterConfig({ model_list: [deployment({ mock_response: 'hi' })] }, { OPENAI_API_BASE: 'localhost:8000' });
      expect(settings.deployments[0]?.mockResponse).toBe('hi');
    });

    it('ids given or generated per group, and groups in model_list order', () => {
      const settings = parseRouterConfig(
        {
          model_list: [
            deployment({}, 'gpt-4o'),
            deployment({}, 'mini', { model_info: { id: 42 } }),
            deployment({ model: 'gpt-4o-2024-08-06' }, 'gpt-4o'),
          ],
        },
        {},
      );
      expect(settings.deployments.map(({ id }) => id)).toEqual(['gpt-4o/0', '42', 'gpt-4o/1']);
      expect([...settings.groups.keys()]).toEqual(['gpt-4o', 'mini']);
      expect(settings.groups.get('gpt-4o')?.map(({ id }) => id)).toEqual(['gpt-4o/0', 'gpt-4o/1']);
      expect(settings.deployments[2]).toMatchObject({ provider: 'openai', model: 'gpt-4o-2024-08-06' });
    });

    it('an azure/ deployment naming each param it lacks, and the variables that would do', () => {
      expect(issuesOf({ model_list: [deployment({ model: 'azure/prod-4o', api_base: 'https://r.openai.azure.com' })] })).toEqual([
        'model_list[0].litellm_params.api_key: required for azure/ (or set AZURE_API_KEY or AZURE_OPENAI_API_KEY, or give azure_ad_token)',
        'model_list[0].litellm_params.api_version: required for azure/ (or set AZURE_API_VERSION)',
      ]);
    });

    it('an azure/ deployment from its params or the AZURE_* variables, its secrets not enumerable', () => {
      const env = { AZURE_API_BASE: 'https://r.openai.azure.com/', AZURE_API_VERSION: '2024-10-21', OPENAI_API_KEY: 'sk-openai' };
      const [azure] = parseRouterConfig(
        { model_list: [deployment({ model: 'azure/prod-4o', azure_ad_token: 'eyJ-secret', api_key: 'az-secret' })] },
        env,
      ).deployments;
      expect(azure).toMatchObject({
        provider: 'azure',
        model: 'prod-4o',
        apiBase: 'https://r.openai.azure.com',
        apiVersion: '2024-10-21',
        apiKey: 'az-secret',
        azureAdToken: 'eyJ-secret',
      });
      expect(JSON.stringify(azure)).not.toMatch(/secret/);
    });

    it('drop_params from the deployment, else the router, else off', () => {
      const settings = parseRouterConfig(
        { model_list: [deployment({}, 'a'), deployment({ drop_params: false }, 'b')], drop_params: true },
        {},
      );
      expect(settings.deployments.map(({ dropParams }) => dropParams)).toEqual([true, false]);
      expect(parseRouterConfig({ model_list: [deployment()] }, {}).deployments[0]?.dropParams).toBe(false);
    });

    it('a bedrock/ deployment naming what it lacks: the region, and keys or a bearer token', () => {
      expect(issuesOf({ model_list: [deployment({ model: 'bedrock/anthropic.claude-3-haiku-20240307-v1:0' })] })).toEqual([
        'model_list[0].litellm_params.aws_region_name: required for bedrock/ (or set AWS_REGION or AWS_DEFAULT_REGION)',
        'model_list[0].litellm_params.aws_access_key_id: required for bedrock/ (or set AWS_ACCESS_KEY_ID, or give api_key)',
        'model_list[0].litellm_params.aws_secret_access_key: required for bedrock/ (or set AWS_SECRET_ACCESS_KEY, or give api_key)',
      ]);
      const withToken = { model_list: [deployment({ model: 'bedrock/m', aws_region_name: 'eu-west-1' })] };
      expect(parseRouterConfig(withToken, { AWS_BEARER_TOKEN_BEDROCK: 't' }).deployments[0]?.apiKey).toBe('t');
    });

    it('a bedrock/ deployment from the AWS_* variables: its endpoint in the region, its keys not enumerable', () => {
      const env = { AWS_REGION: 'eu-west-3', AWS_ACCESS_KEY_ID: 'AKIDsecret', AWS_SECRET_ACCESS_KEY: 'sk-secret', AWS_SESSION_TOKEN: 'tok-secret' };
      const [bedrock] = parseRouterConfig({ model_list: [deployment({ model: 'bedrock/amazon.nova-lite-v1:0' })] }, env).deployments;
      expect(bedrock).toMatchObject({
        provider: 'bedrock',
        model: 'amazon.nova-lite-v1:0',
        apiBase: 'https://bedrock-runtime.eu-west-3.amazonaws.com',
        awsRegionName: 'eu-west-3',
        apiKey: undefined,
        awsCredentials: { accessKeyId: 'AKIDsecret', secretAccessKey: 'sk-secret', sessionToken: 'tok-secret' },
      });
      expect(JSON.stringify(bedrock)).not.toMatch(/secret/);
    });

    it('any provider when the deployment is mocked', () => {
      const settings = parseRouterConfig(
        {
          model_list: [
            deployment({ model: 'cohere/command-r', mock_response: 'hi' }, 'command'),
            deployment({ model: 'bedrock/x', mock_timeout: true }, 'slow'),
          ],
        },
        {},
      );
      expect(settings.deployments.map(({ provider, mockResponse, mockTimeout }) => [provider, mockResponse, mockTimeout])).toEqual([
        ['cohere', 'hi', false],
        ['bedrock', undefined, true],
      ]);
    });

    it('an anthropic/ deployment without a key, naming api_key and ANTHROPIC_API_KEY', () => {
      expect(issuesOf({ model_list: [deployment({ model: 'anthropic/claude-sonnet-4' })] })).toEqual([
        'model_list[0].litellm_params.api_key: required for anthropic/ (or set ANTHROPIC_API_KEY)',
      ]);
    });

    it("an anthropic/ deployment from its params or the ANTHROPIC_* variables (default api_base Anthropic's), its key not enumerable", () => {
      const env = { ANTHROPIC_API_KEY: 'sk-ant-env-secret', OPENAI_API_KEY: 'sk-openai' };
      const [fromEnv] = parseRouterConfig({ model_list: [deployment({ model: 'anthropic/claude-sonnet-4' })] }, env).deployments;
      expect(fromEnv).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4', apiBase: 'https://api.anthropic.com', apiKey: 'sk-ant-env-secret' });
      expect(JSON.stringify(fromEnv)).not.toMatch(/secret/);
      const [own] = parseRouterConfig(
        { model_list: [deployment({ model: 'anthropic/claude-sonnet-4', api_key: 'sk-ant-own', api_base: 'https://gw.example/anthropic/' })] },
        { ...env, ANTHROPIC_API_BASE: 'https://env.example' },
      ).deployments;
      expect(own).toMatchObject({ apiBase: 'https://gw.example/anthropic', apiKey: 'sk-ant-own' });
    });

    it('a near miss of a litellm_params key rxllm uses is an error naming the key meant', () => {
      expect(
        issuesOf({
          model_list: [
            deployment({ stream_timout: 1 }),
            deployment({ Mock_Response: 'hi', 'stream-idle-timeout': 2, temperature: 0.1 }, 'b'),
          ],
        }),
      ).toEqual([
        'model_list[0].litellm_params.stream_timout: unknown setting (did you mean "stream_timeout"?)',
        'model_list[1].litellm_params.Mock_Response: unknown setting (did you mean "mock_response"?)',
        'model_list[1].litellm_params.stream-idle-timeout: unknown setting (did you mean "stream_idle_timeout"?)',
      ]);
    });

    it('LiteLLM keys it does not act on (in litellm_params, model_info, and known Router arguments)', () => {
      expect(() =>
        parseRouterConfig(
          {
            model_list: [
              deployment(
                { max_tokens: 100, custom_llm_provider: 'openai', drop_params: true, vertex_project: 'p', temperature: 0.2, max_retries: 2 },
                'gpt-4o',
                { model_info: { mode: 'chat' } },
              ),
            ],
            redis_host: 'localhost',
            cache_responses: true,
            set_verbose: false,
          },
          {},
        ),
      ).not.toThrow();
    });

    it('fallbacks from "*" and the router lists as given', () => {
      const settings = parseRouterConfig(
        {
          model_list: [deployment({}, 'gpt-4o'), deployment({}, 'mini')],
          fallbacks: [{ '*': ['mini'] }],
          default_fallbacks: ['mini'],
          max_fallbacks: 0,
          num_retries: 0,
          routing_strategy: 'least-busy',
          retry_policy: { RateLimitErrorRetries: 4 },
          model_group_retry_policy: { mini: { TimeoutErrorRetries: 0 } },
        },
        {},
      );
      expect(settings).toMatchObject({
        fallbacks: [{ '*': ['mini'] }],
        defaultFallbacks: ['mini'],
        maxFallbacks: 0,
        numRetries: 0,
        routingStrategy: 'least-busy',
        retryPolicy: { RateLimitErrorRetries: 4 },
        modelGroupRetryPolicy: { mini: { TimeoutErrorRetries: 0 } },
      });
    });
  });

  describe('api keys', () => {
    const secret = 'sk-live-0123456789abcdef';

    it('keeps the api key off the enumerable keys, so it never shows in JSON.stringify', () => {
      const settings = parseRouterConfig({ model_list: [deployment({ api_key: secret })] }, {});
      const [first] = settings.deployments;
      expect(first?.apiKey).toBe(secret);
      expect(Object.keys(first ?? {})).not.toContain('apiKey');
      expect(JSON.stringify(settings)).not.toContain(secret);
      expect(JSON.stringify(settings.deployments)).not.toContain(secret);
    });

    it('never puts an api key in a ConfigError', () => {
      const issues = issuesOf({ model_list: [deployment({ api_key: secret, timeout: -1 })], api_key: secret }, { OPENAI_API_KEY: secret });
      expect(issues.join('\n')).not.toContain(secret);
      expect(issues).toContain('api_key: unknown setting');
    });
  });

  it('does not change the config it is given', () => {
    const raw = { model_list: [deployment({ api_key: 'os.environ/KEY', timeout: '30' })] };
    const copy = structuredClone(raw);
    parseRouterConfig(raw, { KEY: 'sk' });
    expect(raw).toEqual(copy);
  });
});
