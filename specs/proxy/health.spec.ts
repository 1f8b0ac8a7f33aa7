import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { messages, postChat, startTestProxy, type TestProxy } from './test-proxy.js';

// GET /health against a fake upstream playing three deployments: one healthy, one failing with a 401
// whose message quotes the key (as OpenAI's does), one that never answers.

const masterKey = 'sk-master-health-1';
const keys = { healthy: 'sk-healthy-0123456789', failing: 'sk-failing-0123456789', hanging: 'sk-hanging-0123456789' };
const auth = { authorization: `Bearer ${masterKey}` };

let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy | undefined;

function config(apiBase: string): RouterConfig {
  const entry = (name: keyof typeof keys, group: string) => ({
    model_name: group,
    litellm_params: { model: `openai/${name}`, api_base: apiBase, api_key: keys[name] },
    model_info: { id: `${name}-1`, health_check_timeout: 1 },
  });
  return { model_list: [entry('healthy', 'chat'), entry('failing', 'chat'), entry('hanging', 'slow')], num_retries: 0, cooldown_time: 30 };
}

async function start(options: { healthCheckIntervalMs?: number } = {}): Promise<TestProxy> {
  proxy = await startTestProxy(config(upstream.apiBase), { masterKey, provider: createOpenAICompatibleProvider({ dispatcher: agent }), ...options });
  return proxy;
}

beforeEach(async () => {
  upstream = await startFakeUpstream();
  upstream.behave('failing', {
    kind: 'error',
    status: 401,
    error: { message: `Incorrect API key provided: ${keys.failing}.`, type: 'invalid_request_error', code: 'invalid_api_key' },
  });
  upstream.behave('hanging', { kind: 'hang' });
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await agent.destroy();
  await upstream.close();
});

interface HealthJson {
  healthy_endpoints: Record<string, unknown>[];
  unhealthy_endpoints: Record<string, unknown>[];
  healthy_count: number;
  unhealthy_count: number;
}

function getHealth(url: string, query = ''): Promise<Response> {
  return fetch(`${url}/health${query}`, { headers: auth });
}

describe('GET /health', () => {
  it('probes every deployment and answers in LiteLLM’s shape, within the health-check timeout', async () => {
    const { url } = await start();
    const started = performance.now();
    const response = await getHealth(url);
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthJson;
    expect(body.healthy_count).toBe(1);
    expect(body.unhealthy_count).toBe(2);
    expect(body.healthy_endpoints).toEqual([{ model: 'openai/healthy', api_base: upstream.apiBase, model_id: 'healthy-1' }]);
    expect(body.unhealthy_endpoints.map(({ error, ...params }) => [params, String(error).split(':')[0]])).toEqual([
      [{ model: 'openai/failing', api_base: upstream.apiBase, model_id: 'failing-1' }, 'AuthenticationError'],
      [{ model: 'openai/hanging', api_base: upstream.apiBase, model_id: 'hanging-1' }, 'RequestTimeoutError'],
    ]);
    // The hanging probe was cut at its 1 s timeout: the answer never waits for it (generous bound).
    expect(elapsedMs).toBeLessThan(10_000);
    // ... and its upstream request was aborted then, not left open.
    const hung = upstream.requests.find((request) => request.model === 'hanging');
    expect((await upstream.waitForClose(hung?.index ?? -1)).closedByClient).toBe(true);
  });

  it('never shows a key, not even one the upstream quoted in its error', async () => {
    const { url } = await start();
    const text = await (await getHealth(url)).text();
    expect(text).toContain('AuthenticationError: Incorrect API key provided: ');
    for (const key of [...Object.values(keys), masterKey]) expect(text).not.toContain(key);
  });

  it('sends each deployment one minimal chat call: one short message, max_tokens 1', async () => {
    const { url } = await start();
    await getHealth(url, '?model=chat');
    const bodies = upstream.requests.map((request) => [request.path, request.headers.authorization, request.body]);
    expect(bodies).toEqual([
      ['/v1/chat/completions', `Bearer ${keys.healthy}`, { model: 'healthy', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }],
      ['/v1/chat/completions', `Bearer ${keys.failing}`, { model: 'failing', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }],
    ]);
  });

  it('?model= probes one group only; an unknown one is a 404 naming the parameter', async () => {
    const { url } = await start();
    const body = (await (await getHealth(url, '?model=slow')).json()) as HealthJson;
    expect([body.healthy_count, body.unhealthy_count, body.unhealthy_endpoints[0]?.['model_id']]).toEqual([0, 1, 'hanging-1']);
    const unknown = await getHealth(url, '?model=nope');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('needs the master key like every other route', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/health`);
    expect(response.status).toBe(401);
    expect(upstream.requests).toHaveLength(0);
  });

  it('counts a failed probe for cooldowns: the 401 deployment cools, so calls go to the other', async () => {
    const { url } = await start();
    await getHealth(url, '?model=chat');
    const answered = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await postChat(url, { model: 'chat', messages }, auth);
      answered.push(response.headers.get('x-litellm-model-id'));
    }
    expect(new Set(answered)).toEqual(new Set(['healthy-1']));
    expect(upstream.requests.filter((request) => request.model === 'failing')).toHaveLength(1);
  });
});

describe('background health checks', () => {
  it('probe at start, cool the failing deployment before any call, and /health serves the last round without probing again', async () => {
    const { url } = await start({ healthCheckIntervalMs: 60_000 });
    // The first round runs at once: both chat deployments and the hanging one are probed.
    await upstream.waitForRequest(2);
    const body = (await (await getHealth(url)).json()) as HealthJson;
    expect([body.healthy_count, body.unhealthy_count]).toEqual([1, 2]);
    const probes = upstream.requests.length;
    await getHealth(url);
    await getHealth(url, '?model=chat');
    expect(upstream.requests.length).toBe(probes);
    for (let i = 0; i < 4; i += 1) {
      const response = await postChat(url, { model: 'chat', messages }, auth);
      expect(response.headers.get('x-litellm-model-id')).toBe('healthy-1');
    }
    expect(upstream.requests.filter((request) => request.model === 'failing')).toHaveLength(1);
  });
});
