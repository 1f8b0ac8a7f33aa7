// anthropic/ deployments behind rxllm's OpenAI-compatible proxy: an OpenAI client's request goes out
// as Anthropic's, and Anthropic's answers and failures come back as OpenAI JSON and SSE.
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProvider } from '../../../src/providers/http-provider.js';
import { fixture, sseEvents } from '../../support/fixtures.js';
import { postChat, sseData, startTestProxy, type TestProxy } from '../../proxy/test-proxy.js';
import { type FakeAnthropicUpstream, startFakeAnthropicUpstream } from './fake-anthropic-upstream.js';

const key = 'sk-ant-api03-proxy-secret-91ab';
const recorded = (name: string) => fixture(new URL(`./fixtures/${name}`, import.meta.url));

let upstream: FakeAnthropicUpstream;
let agent: Agent;
let proxy: TestProxy;

beforeAll(async () => {
  upstream = await startFakeAnthropicUpstream({ key });
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(
    {
      model_list: [
        { model_name: 'claude', litellm_params: { model: 'anthropic/claude-sonnet-4', api_base: upstream.apiBase, api_key: key } },
      ],
      num_retries: 0,
    },
    { provider: createHttpProvider({ dispatcher: agent }) },
  );
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await proxy.close();
  await agent.close();
  await upstream.close();
});

describe('anthropic/ behind the proxy', () => {
  it('answers a JSON request with an OpenAI chat.completion', async () => {
    upstream.behave('claude-sonnet-4', { kind: 'message', body: recorded('message.json') });
    const response = await postChat(proxy.url, { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Hello from Claude' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 6 },
    });
  });

  it('streams OpenAI chunks ending in [DONE]', async () => {
    upstream.behave('claude-sonnet-4', { kind: 'events', events: sseEvents(recorded('text.sse')) });
    const response = await postChat(proxy.url, { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const events = sseData(await response.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as { object: string; choices: { delta: { content?: string } }[] });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello!');
  });

  it('ends a stream broken by an overloaded_error event with an SSE error event and no [DONE]', async () => {
    upstream.behave('claude-sonnet-4', { kind: 'events', events: sseEvents(recorded('error-mid-stream.sse')) });
    const response = await postChat(proxy.url, { model: 'claude', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const events = sseData(await response.text());
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1) as string)).toEqual({ error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' } });
  });

  it("answers Anthropic's 429 as OpenAI's, and never shows the key in the body or the log", async () => {
    upstream.behave('claude-sonnet-4', {
      kind: 'error',
      status: 429,
      headers: { 'retry-after': '3' },
      body: JSON.stringify({ type: 'error', error: { type: 'rate_limit_error', message: `rate limited for key ${key}` } }),
    });
    const response = await postChat(proxy.url, { model: 'claude', messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.status).toBe(429);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'rate_limit_error', message: 'rate limited for key [redacted]' } });
    for (const text of [body, ...proxy.lines]) expect(text).not.toContain(key);
  });
});
