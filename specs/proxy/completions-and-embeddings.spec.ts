// POST /v1/completions and /v1/embeddings through the proxy, with the official openai SDK as the
// client and fake upstreams on 127.0.0.1 speaking each provider's wire format (DESIGN §9).
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createHttpProvider } from '../../src/providers/http-provider.js';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../providers/anthropic/fake-anthropic-upstream.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestProxy, type TestProxy } from './test-proxy.js';

const masterKey = 'sk-proxy-master';
let upstream: FakeUpstream;
let anthropic: FakeAnthropicUpstream;
let proxy: TestProxy;
let client: OpenAI;
let agent: Agent;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  anthropic = await startFakeAnthropicUpstream({ key: 'sk-ant-test' });
  const base = upstream.apiBase.replace(/\/v1$/, '');
  const config: RouterConfig = {
    model_list: [
      { model_name: 'instruct', litellm_params: { model: 'openai/gpt-instruct', api_base: upstream.apiBase, api_key: 'sk-up' } },
      { model_name: 'flaky-instruct', litellm_params: { model: 'openai/gpt-down', api_base: upstream.apiBase, api_key: 'sk-up' } },
      { model_name: 'azure-instruct', litellm_params: { model: 'azure/instruct-prod', api_base: base, api_key: 'az-key', api_version: '2024-10-21' } },
      { model_name: 'claude', litellm_params: { model: 'anthropic/claude-test', api_base: anthropic.apiBase, api_key: 'sk-ant-test' } },
      { model_name: 'embed', litellm_params: { model: 'openai/text-embed', api_base: upstream.apiBase, api_key: 'sk-up' } },
      { model_name: 'azure-embed', litellm_params: { model: 'azure/embed-prod', api_base: base, api_key: 'az-key', api_version: '2024-10-21' } },
      { model_name: 'mock-embed', litellm_params: { model: 'openai/mock', mock_response: 'any' } },
    ],
    num_retries: 0,
    fallbacks: [{ 'flaky-instruct': ['instruct'] }],
  };
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(config, { masterKey, provider: createHttpProvider({ dispatcher: agent }) });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
  await agent.close();
  await upstream.close();
  await anthropic.close();
});

describe('POST /v1/completions', () => {
  it("answers the openai SDK's completions.create from an OpenAI-compatible deployment", async () => {
    upstream.behave('gpt-instruct', { kind: 'answer', content: 'Paris is the capital' });
    const completion = await client.completions.create({ model: 'instruct', prompt: 'The capital of France:' });
    expect(completion).toMatchObject({ object: 'text_completion', choices: [{ text: 'Paris is the capital', finish_reason: 'stop' }] });
    const seen = upstream.requests.at(-1);
    expect(seen).toMatchObject({ path: '/v1/completions', endpoint: 'text_completion' });
    expect(seen?.body).toEqual({ model: 'gpt-instruct', prompt: 'The capital of France:' });
  });

  it('streams text pieces as SSE ending in [DONE]', async () => {
    upstream.behave('gpt-instruct', { kind: 'stream', content: ['one', ' two', ' three'] });
    const stream = await client.completions.create({ model: 'instruct', prompt: 'Count', stream: true });
    const texts: string[] = [];
    for await (const piece of stream) texts.push(piece.choices[0]?.text ?? '');
    expect(texts.join('')).toBe('one two three');
  });

  it('falls back to another group when the requested one fails', async () => {
    upstream.behave('gpt-down', { kind: 'error', status: 503 });
    upstream.behave('gpt-instruct', { kind: 'answer', content: 'from the fallback' });
    const response = await client.completions.create({ model: 'flaky-instruct', prompt: 'Hi' }).withResponse();
    expect(response.data.choices[0]?.text).toBe('from the fallback');
    expect(response.response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
  });

  it("goes to an Azure deployment's /completions with its api-version and api-key", async () => {
    upstream.behave('instruct-prod', { kind: 'answer', content: 'from azure' });
    const completion = await client.completions.create({ model: 'azure-instruct', prompt: 'Hi' });
    expect(completion.choices[0]?.text).toBe('from azure');
    const seen = upstream.requests.at(-1);
    expect(seen?.path).toBe('/openai/deployments/instruct-prod/completions?api-version=2024-10-21');
    expect(seen?.headers['api-key']).toBe('az-key');
  });

  it('gives a chat-only provider (anthropic/) the prompt as one user message and answers in text, JSON and streamed', async () => {
    anthropic.behave('claude-test', { kind: 'message', text: 'Bonjour de Claude' });
    const completion = await client.completions.create({ model: 'claude', prompt: 'Say hello', max_tokens: 50 });
    expect(completion).toMatchObject({ object: 'text_completion', choices: [{ text: 'Bonjour de Claude', finish_reason: 'stop' }] });
    expect(anthropic.requests.at(-1)?.body).toMatchObject({ model: 'claude-test', max_tokens: 50, messages: [{ role: 'user', content: 'Say hello' }] });
    const stream = await client.completions.create({ model: 'claude', prompt: 'Say hello', stream: true });
    const texts: string[] = [];
    for await (const piece of stream) texts.push(piece.choices[0]?.text ?? '');
    expect(texts.join('')).toBe('Bonjour de Claude');
  });

  it('refuses a list of prompts for a chat-only provider with a 400 naming prompt', async () => {
    const error = await client.completions.create({ model: 'claude', prompt: ['a', 'b'] }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('prompt');
  });

  it('honours mock_response and mock_timeout on /completions as on chat', async () => {
    const mocked = await fetch(`${proxy.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'instruct', prompt: 'Hi', mock_response: 'mocked text' }),
    });
    expect(((await mocked.json()) as { choices: { text: string }[] }).choices[0]?.text).toBe('mocked text');
    const timedOut = await fetch(`${proxy.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json', 'x-litellm-timeout': '0.2' },
      body: JSON.stringify({ model: 'instruct', prompt: 'Hi', mock_timeout: true }),
    });
    expect(timedOut.status).toBe(408);
    expect(((await timedOut.json()) as { error: { code: string } }).error.code).toBe('deadline_exceeded');
  });
});

describe('POST /v1/embeddings', () => {
  it("answers the openai SDK's embeddings.create from an OpenAI-compatible deployment", async () => {
    upstream.behave('text-embed', { kind: 'answer' });
    const answer = await client.embeddings.create({ model: 'embed', input: ['first', 'second one'], encoding_format: 'float' });
    expect(answer.object).toBe('list');
    expect(answer.data.map((item) => item.embedding)).toEqual([
      [5, 0, 0.5],
      [10, 1, 0.5],
    ]);
    expect(upstream.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', body: { model: 'text-embed', input: ['first', 'second one'] } });
  });

  it("goes to an Azure deployment's /embeddings", async () => {
    upstream.behave('embed-prod', { kind: 'answer' });
    const answer = await client.embeddings.create({ model: 'azure-embed', input: 'x', encoding_format: 'float' });
    expect(answer.data).toHaveLength(1);
    expect(upstream.requests.at(-1)?.path).toBe('/openai/deployments/embed-prod/embeddings?api-version=2024-10-21');
  });

  it('answers mock_response with deterministic vectors; the SDK decodes its default base64', async () => {
    const a = await client.embeddings.create({ model: 'mock-embed', input: 'same text', dimensions: 6 });
    const b = await client.embeddings.create({ model: 'mock-embed', input: 'same text', dimensions: 6 });
    expect(a.data[0]?.embedding).toHaveLength(6);
    expect(a.data[0]?.embedding).toEqual(b.data[0]?.embedding);
  });

  it('refuses to stream, and names a missing input', async () => {
    for (const [body, param] of [
      [{ model: 'embed', input: 'x', stream: true }, 'stream'],
      [{ model: 'embed' }, 'input'],
    ] as const) {
      const response = await fetch(`${proxy.url}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
    }
  });

  it('a 5xx upstream error keeps its status and the x-litellm headers', async () => {
    upstream.behave('text-embed', { kind: 'error', status: 502 });
    const response = await fetch(`${proxy.url}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'embed', input: 'x' }),
    });
    expect(response.status).toBe(502);
    expect(response.headers.get('x-litellm-attempted-retries')).toBe('0');
  });
});
