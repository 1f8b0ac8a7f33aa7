import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config-file.js';
import { ConfigError } from '../../src/errors/config-error.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rxllm-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function loadError(path: string): Promise<ConfigError> {
  const error = await loadConfigFile(path, {}).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfigFile', () => {
  it('reads a LiteLLM config.yaml', async () => {
    const path = await file(
      'litellm.yaml',
      `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
      stream_timeout: "5"
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_base: https://other.example/v1
      api_key: os.environ/OTHER_KEY
litellm_settings:
  request_timeout: 120
  drop_params: true
router_settings:
  routing_strategy: simple-shuffle
  num_retries: 3
general_settings:
  master_key: sk-1234
environment_variables:
  OTHER_KEY: sk-other
`,
    );
    const config = await loadConfigFile(path, { OPENAI_API_KEY: 'sk-env' });
    expect(config.settings.groups.get('gpt-4o')).toHaveLength(2);
    expect(config.settings.deployments.map((deployment) => deployment.apiKey)).toEqual(['sk-env', 'sk-other']);
    expect(config.settings.deployments[0]?.streamTimeoutMs).toBe(5_000);
    expect(config.settings.timeoutMs).toBe(120_000);
    expect(config.settings.numRetries).toBe(3);
    expect(config.masterKey).toBe('sk-1234');
    expect(config.ignoredKeys).toEqual([]);
    // LiteLLM's global drop_params reaches every deployment.
    expect(config.settings.deployments.map((deployment) => deployment.dropParams)).toEqual([true, true]);
  });

  it('loads the bundled config.yaml with nothing ignored', async () => {
    const bundled = fileURLToPath(new URL('../../config.yaml', import.meta.url));
    const config = await loadConfigFile(bundled, {});
    expect([...config.settings.groups.keys()]).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(config.settings.fallbacks).toEqual([{ 'gpt-4o': ['gpt-4o-mini'] }]);
    expect(config.settings.deployments.every((deployment) => deployment.mockTimeout || deployment.mockResponse !== undefined)).toBe(true);
    expect(config.ignoredKeys).toEqual([]);
    expect(config.masterKey).toBeUndefined();
  });

  it('reports settings problems with their paths in the file', async () => {
    const path = await file(
      'bad.yaml',
      `
model_list:
  - model_name: a
    litellm_params: { model: openai/a }
  - model_name: b
    litellm_params: { model: openai/b }
  - model_name: c
    litellm_params: { model: openai/c, timeout: -5 }
router_settings:
  timeout: abc
`,
    );
    const error = await loadError(path);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['model_list[2].litellm_params.timeout', 'router_settings.timeout']);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/^ {2}router_settings\.timeout: /m);
  });

  it('rejects an api_base that is not an http(s) URL at load, not at the first call', async () => {
    const path = await file(
      'api-base.yaml',
      `
model_list:
  - model_name: a
    litellm_params: { model: openai/a, api_base: "localhost:8000" }
  - model_name: b
    litellm_params: { model: openai/b }
environment_variables:
  OPENAI_BASE_URL: "ftp://proxy.internal/v1"
`,
    );
    const error = await loadError(path);
    expect(error.issues.map(({ path: at, message }) => `${at}: ${message}`)).toEqual([
      'model_list[0].litellm_params.api_base: expected an http(s) URL, got "localhost:8000"',
      'model_list[1].litellm_params.api_base: expected an http(s) URL, got "ftp://proxy.internal/v1" (from the environment variable OPENAI_BASE_URL)',
    ]);
  });

  it('reports YAML syntax errors by line and column', async () => {
    const error = await loadError(await file('syntax.yaml', 'model_list:\n  - model_name: a\n   litellm_params: [\n'));
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]?.path).toMatch(/^line \d+, column \d+$/);
  });

  // Found by specs/config/config-fuzz.spec.ts: one stray `]` made yaml quote every later token,
  // master_key and api keys included, and the error goes to the logs.
  it('never quotes the text of the file in a YAML error, and shows the first 10', async () => {
    const error = await loadError(
      await file(
        'stray-bracket.yaml',
        `model_list:
  - model_name: a
    litellm_params: { model: openai/a, api_key: sk-upstream-secret }
]
general_settings:
  master_key: sk-master-secret
  max_request_size_mb: 4
litellm_settings:
  num_retries: 2
  request_timeout: 60
`,
      ),
    );
    expect(error.message).not.toMatch(/secret/);
    expect(error.issues[0]).toEqual({ path: 'line 4, column 1', message: 'Unexpected flow-seq-end token in YAML stream' });
    expect(error.issues[5]).toEqual({ path: 'line 6, column 15', message: 'Unexpected scalar token in YAML stream' });
    expect(error.issues).toHaveLength(11);
    expect(error.issues[10]).toEqual({ path: '', message: 'and 7 more YAML errors after these' });
  });

  // Found while fuzzing: yaml's guard against alias expansion threw a ReferenceError, not a ConfigError.
  it('rejects aliases that expand too much (billion laughs) as a ConfigError', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [name, previous] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']] as const) {
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    const error = await loadError(await file('laughs.yaml', `${levels.join('\n')}\n`));
    expect(error.issues).toEqual([{ path: '', message: expect.stringMatching(/^its aliases expand too much \(more than 1000 aliased values\)/) }]);
  });

  it('rejects duplicate keys', async () => {
    const error = await loadError(await file('duplicate.yaml', 'router_settings:\n  timeout: 5\n  timeout: 6\n'));
    expect(error.issues[0]?.message).toMatch(/unique/i);
  });

  it('reports a file that cannot be read', async () => {
    const missing = join(dir, 'missing.yaml');
    const error = await loadError(missing);
    expect(error.issues).toEqual([{ path: missing, message: 'cannot read the config file (no such file)' }]);
  });
});
