import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/protocol/chat.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { waitUntil } from '../support/wait-until.js';
import { settle, watchUnhandledErrors, type UnhandledErrorWatch } from '../support/watch-unhandled-errors.js';
import { messages, openRequest, parseLogfmt, postChat, sseData, startTestProxy, type TestProxy } from './test-proxy.js';

// End to end: client → proxy → Router → undici provider → fake OpenAI upstream.

const providerKey = 'sk-upstream-secret-42';
let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy;
let unhandled: UnhandledErrorWatch;

function config(apiBase: string): RouterConfig {
  const deployment = (group: string, model: string, extra: Record<string, unknown> = {}) => ({
    model_name: group,
    litellm_params: { model: `openai/${model}`, api_base: apiBase, api_key: providerKey, ...extra },
    model_info: { id: `${model}-1` },
  });
  return {
    model_list: [
      deployment('ok', 'gpt-ok'),
      deployment('stall', 'gpt-stall', { stream_timeout: 0.2 }),
      deployment('backup', 'gpt-backup'),
      deployment('slow-stream', 'gpt-slow-stream'),
      deployment('broken', 'gpt-broken'),
      deployment('limited', 'gpt-limited'),
      deployment('leaky', 'gpt-leaky'),
    ],
    fallbacks: [{ stall: ['backup'] }],
    num_retries: 0,
  };
}

beforeEach(async () => {
  unhandled = watchUnhandledErrors();
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(config(upstream.apiBase), { provider: createOpenAICompatibleProvider({ dispatcher: agent }) });
});

afterEach(async () => {
  await proxy.close();
  await agent.destroy();
  await upstream.close();
  await settle();
  unhandled.stop();
  expect(unhandled.errors).toEqual([]);
});

describe('the proxy in front of an OpenAI-compatible upstream', () => {
  it('passes a JSON call through, sending the deployment model and key and none of the extras', async () => {
    upstream.behave('gpt-ok', { kind: 'answer', content: 'hi from upstream' });
    const response = await postChat(proxy.url, { model: 'ok', messages, temperature: 0.5, timeout: 30, num_retries: 0 });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ChatCompletion).choices[0]?.message.content).toBe('hi from upstream');
    expect(response.headers.get('x-litellm-model-id')).toBe('gpt-ok-1');
    const seen = upstream.requests[0];
    expect(seen?.model).toBe('gpt-ok');
    expect(seen?.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(seen?.body).toEqual({ model: 'gpt-ok', messages, temperature: 0.5 });
  });

  it('never forwards a client\'s credentials or LiteLLM-only keys (metadata and tags too), keeps user and every OpenAI field, logs none of them', async () => {
    upstream.behave('gpt-ok', { kind: 'answer', content: 'hi' });
    const clientKey = 'sk-client-own-key-991';
    const response = await postChat(proxy.url, {
      model: 'ok',
      messages,
      temperature: 0.2,
      max_tokens: 5,
      metadata: { trace: 't-1' },
      user: 'user-7',
      api_key: clientKey,
      api_base: 'http://attacker.invalid/v1',
      base_url: 'http://attacker.invalid/v1',
      api_version: '2024-02-01',
      tags: ['team-a'],
      caching: true,
      cache: { 'no-cache': true },
      user_api_key: 'sk-virtual-key-123',
      user_api_key_alias: 'alias-secret',
      litellm_metadata: { spend: 'x' },
    });
    expect(response.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
    const seen = upstream.requests[0];
    expect(seen?.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(seen?.body).toEqual({ model: 'gpt-ok', messages, temperature: 0.2, max_tokens: 5, user: 'user-7' });
    await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
    for (const secret of [clientKey, 'attacker.invalid', 'sk-virtual-key-123', 'alias-secret', 'team-a']) {
      expect(proxy.lines.join('\n')).not.toContain(secret);
    }
  });

  it('streams the upstream SSE through and ends with [DONE]', async () => {
    upstream.behave('gpt-ok', { kind: 'stream', content: ['one', ' two', ' three'] });
    const response = await postChat(proxy.url, { model: 'ok', messages, stream: true });
    expect(response.status).toBe(200);
    const events = sseData(await response.text());
    expect(events.at(-1)).toBe('[DONE]');
    const text = events
      .slice(0, -1)
      .map((data) => (JSON.parse(data) as ChatCompletionChunk).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('one two three');
  });

  it('falls back when the upstream stalls before the first chunk, closing the stalled request', async () => {
    upstream.behave('gpt-stall', { kind: 'stream', cutAfter: 0, cut: 'stall' });
    const response = await postChat(proxy.url, { model: 'stall', messages, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-model-id')).toBe('gpt-backup-1');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(sseData(await response.text()).at(-1)).toBe('[DONE]');
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
    await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
    expect(parseLogfmt(proxy.lines[0] as string)).toMatchObject({
      status: '200',
      deployment: 'gpt-backup-1',
      attempts: String(upstream.requests.length),
      fallbacks: '1',
    });
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    upstream.behave('gpt-slow-stream', { kind: 'stream', content: ['a', 'b', 'c'], delayMs: 10, cutAfter: 2, cut: 'stall' });
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'slow-stream', messages, stream: true });
    const response = await request.response;
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => response.once('data', resolve));
    request.destroy();
    const closed = await upstream.waitForClose(0);
    expect(closed.closedByClient).toBe(true);
    await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
    expect(parseLogfmt(proxy.lines[0] as string)).toMatchObject({ client_closed: 'true', deployment: 'gpt-slow-stream-1' });
  });

  it('ends a stream that breaks upstream after its first chunk with an SSE error event and no [DONE]', async () => {
    upstream.behave('gpt-broken', { kind: 'stream', content: ['a', 'b'], cutAfter: 2, cut: 'error-event', error: { message: 'overloaded' } });
    const response = await postChat(proxy.url, { model: 'broken', messages, stream: true });
    expect(response.status).toBe(200);
    const events = sseData(await response.text());
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1) as string)).toMatchObject({ error: { message: expect.stringContaining('overloaded') } });
  });

  it("passes an upstream 429's Retry-After on", async () => {
    upstream.behave('gpt-limited', { kind: 'error', status: 429, headers: { 'retry-after': '3' } });
    const response = await postChat(proxy.url, { model: 'limited', messages });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
  });

  it('never shows the provider key, even when the upstream echoes it', async () => {
    upstream.behave('gpt-leaky', { kind: 'error', status: 401, error: { message: `Incorrect API key provided: ${providerKey}` } });
    const response = await postChat(proxy.url, { model: 'leaky', messages });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(providerKey);
    await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
    expect(proxy.lines.join('\n')).not.toContain(providerKey);
  });
  it("sends a JSON answer on with the upstream's own bytes (its spacing, key order and extra fields), not a re-serialised copy", async () => {
    // Pretty-printed, `usage` first, a field OpenAI's types lack: a parse + stringify would change all three.
    const upstreamBody = `{
  "usage": { "prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5 },
  "id": "chatcmpl-raw-1",
  "object": "chat.completion",
  "created": 1700000000,
  "model": "gpt-ok-2025-01-01",
  "choices": [ { "index": 0, "message": { "role": "assistant", "content": "caf\u00e9 \u2603" }, "finish_reason": "stop" } ],
  "provider_extra": 1.50
}`;
    upstream.behave('gpt-ok', { kind: 'raw', status: 200, contentType: 'application/json', pieces: [upstreamBody.slice(0, 40), upstreamBody.slice(40)] });
    const response = await postChat(proxy.url, { model: 'ok', messages });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toBe(upstreamBody);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(upstreamBody)));
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-litellm-model-id')).toBe('gpt-ok-1');
    expect((JSON.parse(text) as ChatCompletion).choices[0]?.message.content).toBe('café ☃');
  });

  it('re-serialises a JSON answer that came with a byte order mark, so that clients get plain JSON', async () => {
    const completion = {
      id: 'chatcmpl-bom',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-ok',
      choices: [{ index: 0, message: { role: 'assistant', content: 'with a BOM' }, finish_reason: 'stop' }],
    };
    upstream.behave('gpt-ok', { kind: 'raw', status: 200, contentType: 'application/json', pieces: [`\ufeff${JSON.stringify(completion)}`] });
    const response = await postChat(proxy.url, { model: 'ok', messages });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes[0]).toBe('{'.charCodeAt(0));
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(completion);
  });
  it("sends each stream chunk on with the upstream's own JSON text, and a multi-line data event as one line", async () => {
    const first = '{"id": "c1",  "object": "chat.completion.chunk", "created": 1, "model": "gpt-ok", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "h\\u00e9"}, "finish_reason": null}], "provider_extra": 1.50}';
    const multiLine = {
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-ok',
      choices: [{ index: 0, delta: { content: 'llo' }, finish_reason: 'stop' }],
    };
    // The second event's JSON is split over two `data:` lines (between two keys), which SSE joins with a line break.
    const json = JSON.stringify(multiLine);
    const cut = json.indexOf('"choices"');
    const [head, tail] = [json.slice(0, cut), json.slice(cut)];
    upstream.behave('gpt-ok', {
      kind: 'raw',
      pieces: [`data: ${first}\n\n`, `data: ${head}\ndata: ${tail}\n\n`, 'data: [DONE]\n\n'],
    });
    const response = await postChat(proxy.url, { model: 'ok', messages, stream: true });
    expect(response.status).toBe(200);
    const events = sseData(await response.text());
    expect(events).toEqual([first, json, '[DONE]']);
    expect(JSON.parse(events[0] as string).choices[0].delta.content).toBe('hé');
  });
});
