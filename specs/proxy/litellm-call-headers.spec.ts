import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { messages, postChat, startTestProxy, type TestProxy } from './test-proxy.js';

// LiteLLM's full response header set (x-litellm-call-id, -model-id, -model-group, -model-api-base,
// -max-retries, -attempted-retries/-fallbacks, -timeout, -response-duration-ms,
// -overhead-duration-ms) on JSON, SSE and error answers, read by the openai SDK through the real
// server; and the x-litellm-num-retries request header.

const masterKey = 'sk-master-headers-1';
const upstreamDelayMs = 120;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy;
let client: OpenAI;

function config(apiBase: string): RouterConfig {
  return {
    model_list: [
      { model_name: 'chat', litellm_params: { model: 'openai/answering', api_base: apiBase, api_key: 'sk-up-1' }, model_info: { id: 'answer-1' } },
      { model_name: 'broken', litellm_params: { model: 'openai/broken', api_base: apiBase, api_key: 'sk-up-2' }, model_info: { id: 'broken-1' } },
      {
        model_name: 'unreachable',
        // Port 1 refuses the connection at once; the base URL holds credentials that must never show.
        litellm_params: { model: 'openai/gone', api_base: 'http://user:sk-in-url@127.0.0.1:1/v1?key=sk-in-query', api_key: 'sk-up-3' },
        model_info: { id: 'gone-1' },
      },
    ],
    num_retries: 1,
    timeout: 30,
    // Cooldowns would change which attempts later specs make.
    disable_cooldowns: true,
  };
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(config(upstream.apiBase), { masterKey, provider: createOpenAICompatibleProvider({ dispatcher: agent }) });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

beforeEach(() => {
  upstream.reset();
  upstream.behave('answering', { kind: 'answer', content: 'hi there', delayMs: upstreamDelayMs });
  upstream.behave('broken', { kind: 'error', status: 500, error: { message: 'upstream broke' } });
});

afterAll(async () => {
  await proxy.close();
  await agent.destroy();
  await upstream.close();
});

const auth = { authorization: `Bearer ${masterKey}` };

function requestsFor(model: string): number {
  return upstream.requests.filter((request) => request.model === model).length;
}

/** Every `x-litellm-*` header, by name. */
function litellm(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('x-litellm-')) out[name] = value;
  });
  return out;
}

/** The duration headers as numbers; the rest as sent. */
function timing(headers: Record<string, string>): { duration: number; overhead: number | undefined } {
  const overhead = headers['x-litellm-overhead-duration-ms'];
  return { duration: Number(headers['x-litellm-response-duration-ms']), overhead: overhead === undefined ? undefined : Number(overhead) };
}

function withoutTiming(headers: Record<string, string>): Record<string, string> {
  const { 'x-litellm-response-duration-ms': _duration, 'x-litellm-overhead-duration-ms': _overhead, 'x-litellm-call-id': _id, ...rest } = headers;
  return rest;
}

/** The headers (timings aside) of a call the first deployment answered at its first try. */
function firstTryHeaders(): Record<string, string> {
  return {
    'x-litellm-model-id': 'answer-1',
    'x-litellm-model-group': 'chat',
    'x-litellm-model-api-base': upstream.apiBase,
    'x-litellm-attempted-retries': '0',
    'x-litellm-max-retries': '1',
    'x-litellm-attempted-fallbacks': '0',
    'x-litellm-timeout': '30',
  };
}

describe('on a JSON answer', () => {
  it('sends every header, the overhead being the total minus the answering attempt’s time upstream', async () => {
    const { response } = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    const headers = litellm(response.headers);
    expect(headers['x-litellm-call-id']).toMatch(uuid);
    expect(withoutTiming(headers)).toEqual(firstTryHeaders());
    const { duration, overhead } = timing(headers);
    expect(duration).toBeGreaterThanOrEqual(upstreamDelayMs);
    // The upstream's delay is not overhead: at most what remains of the total once it is taken out
    // (1 ms of slack: the router's clock counts whole milliseconds).
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(overhead).toBeLessThanOrEqual(duration - upstreamDelayMs + 1);
  });

  it('gives each request its own call id, and echoes one the client sent', async () => {
    const first = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    const second = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    expect(first.response.headers.get('x-litellm-call-id')).not.toBe(second.response.headers.get('x-litellm-call-id'));
    const mine = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-litellm-call-id': 'trace-42.a' } })
      .withResponse();
    expect(mine.response.headers.get('x-litellm-call-id')).toBe('trace-42.a');
  });

  it('replaces a client call id that could not be echoed safely with a fresh UUID', async () => {
    const response = await postChat(proxy.url, { model: 'chat', messages }, { ...auth, 'x-litellm-call-id': `${'x'.repeat(300)}` });
    expect(response.headers.get('x-litellm-call-id')).toMatch(uuid);
  });

  it('names the group that answered after a fallback', async () => {
    const response = await postChat(proxy.url, { model: 'broken', messages, fallbacks: ['chat'] }, auth);
    expect(response.status).toBe(200);
    expect(withoutTiming(litellm(response.headers))).toMatchObject({
      'x-litellm-model-id': 'answer-1',
      'x-litellm-model-group': 'chat',
      'x-litellm-attempted-fallbacks': '1',
    });
  });
});

describe('on an SSE answer', () => {
  it('sends every header with the status line, timed at the commit (the first chunk)', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('hi there');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const headers = litellm(response.headers);
    expect(headers['x-litellm-call-id']).toMatch(uuid);
    expect(withoutTiming(headers)).toEqual(firstTryHeaders());
    // The fake delays every event: the first content chunk comes after two delays.
    const { duration, overhead } = timing(headers);
    expect(duration).toBeGreaterThanOrEqual(upstreamDelayMs);
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(overhead).toBeLessThanOrEqual(duration - upstreamDelayMs + 1);
  });
});

describe('on an error', () => {
  it('names the last attempt’s deployment, group and api_base, the retries allowed and made, and the time', async () => {
    const error = await client.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'Hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(500);
    const headers = litellm(apiError.headers as Headers);
    expect(headers['x-litellm-call-id']).toMatch(uuid);
    expect(withoutTiming(headers)).toEqual({
      'x-litellm-model-id': 'broken-1',
      'x-litellm-model-group': 'broken',
      'x-litellm-model-api-base': upstream.apiBase,
      'x-litellm-attempted-retries': '1',
      'x-litellm-max-retries': '1',
      'x-litellm-attempted-fallbacks': '0',
      'x-litellm-timeout': '30',
    });
    const { duration, overhead } = timing(headers);
    expect(overhead).toBeGreaterThanOrEqual(0);
    expect(overhead).toBeLessThanOrEqual(duration);
  });

  it('masks the credentials of an api_base', async () => {
    const response = await postChat(proxy.url, { model: 'unreachable', messages, num_retries: 0 }, auth);
    expect(response.status).toBe(502);
    expect(response.headers.get('x-litellm-model-api-base')).toBe('http://***:***@127.0.0.1:1/v1?key=***');
    expect(JSON.stringify([...response.headers])).not.toMatch(/sk-in-/);
  });

  it('still carries the call id and the time when the request is refused before the router', async () => {
    const response = await postChat(proxy.url, '{"model": ', auth);
    expect(response.status).toBe(400);
    const headers = litellm(response.headers);
    expect(headers['x-litellm-call-id']).toMatch(uuid);
    expect(Number(headers['x-litellm-response-duration-ms'])).toBeGreaterThanOrEqual(0);
    // No deployment was tried: nothing to name, no upstream time to take out.
    expect(headers['x-litellm-model-id']).toBeUndefined();
    expect(headers['x-litellm-overhead-duration-ms']).toBeUndefined();
  });
});

describe('x-litellm-num-retries', () => {
  it('overrides num_retries for the request (upstream requests counted on the fake)', async () => {
    await postChat(proxy.url, { model: 'broken', messages }, auth);
    expect(requestsFor('broken')).toBe(2);
    upstream.reset();
    upstream.behave('broken', { kind: 'error', status: 500 });
    const none = await postChat(proxy.url, { model: 'broken', messages }, { ...auth, 'x-litellm-num-retries': '0' });
    expect(requestsFor('broken')).toBe(1);
    expect(none.headers.get('x-litellm-max-retries')).toBe('0');
    upstream.reset();
    upstream.behave('broken', { kind: 'error', status: 500 });
    const three = await postChat(proxy.url, { model: 'broken', messages, num_retries: 0 }, { ...auth, 'x-litellm-num-retries': '3' });
    expect(requestsFor('broken')).toBe(4);
    expect([three.headers.get('x-litellm-attempted-retries'), three.headers.get('x-litellm-max-retries')]).toEqual(['3', '3']);
  });

  it('through the openai SDK too', async () => {
    const error = await client.chat.completions
      .create({ model: 'broken', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-litellm-num-retries': '0' } })
      .catch((caught: unknown) => caught);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect(requestsFor('broken')).toBe(1);
  });

  it.each(['abc', '-1', '1.5', '', '1e3'])('rejects %j with a 400 naming the header, before any upstream request', async (value) => {
    const response = await postChat(proxy.url, { model: 'broken', messages }, { ...auth, 'x-litellm-num-retries': value });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; message: string } };
    expect(error.param).toBe('x-litellm-num-retries');
    expect(error.message).toContain('x-litellm-num-retries');
    expect(response.headers.get('x-litellm-call-id')).toMatch(uuid);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('header values from the config', () => {
  it('percent-encodes a model group or deployment id outside printable ASCII instead of failing the answer', async () => {
    const local = await startTestProxy({
      model_list: [{ model_name: 'модель', litellm_params: { model: 'openai/m', mock_response: 'hi' }, model_info: { id: 'модель-1' } }],
    });
    try {
      const response = await postChat(local.url, { model: 'модель', messages });
      expect(response.status).toBe(200);
      expect([response.headers.get('x-litellm-model-group'), response.headers.get('x-litellm-model-id')]).toEqual([
        encodeURIComponent('модель'),
        encodeURIComponent('модель-1'),
      ]);
      // A mock deployment has no api_base to show.
      expect(response.headers.get('x-litellm-model-api-base')).toBeNull();
    } finally {
      await local.close();
    }
  });
});
