import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  BadRequestError,
  InternalServerError,
  RateLimitError,
  RequestTimeoutError,
  type ChatCompletion,
  type ChatCompletionChunk,
} from '../../src/index.js';
import { mockResponse$, mockTimeout$ } from '../../src/providers/mock-provider.js';
import type { ProviderRequest } from '../../src/providers/provider.js';
import { collect } from '../support/collect.js';
import { testDeployment } from '../support/test-deployment.js';

const deployment = testDeployment({ apiBase: 'http://127.0.0.1:9/v1', model: 'gpt-mock', id: 'mock-1' });
const messages = [{ role: 'user', content: 'Say hello to everyone' }];
const request = (stream: boolean, body: Record<string, unknown> = {}): ProviderRequest => ({
  deployment,
  body: { model: 'gpt-mock', messages, stream, ...body },
  stream,
});
const now = () => 1_700_000_000_123;
const all = (source: ReturnType<typeof mockResponse$>) => lastValueFrom(source.pipe(toArray()));

describe('mockResponse$', () => {
  it('answers a non-streaming call with one completion carrying the text, the model and a usage estimate', async () => {
    const [completion] = (await all(mockResponse$(request(false), 'Hello there', now))) as ChatCompletion[];
    expect(completion).toMatchObject({
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-mock',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 },
    });
  });

  it('streams a role chunk, the text word by word (whitespace kept), then a finish chunk', async () => {
    const chunks = (await all(mockResponse$(request(true), 'Hello  there, world', now))) as ChatCompletionChunk[];
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hello  ' },
      { content: 'there, ' },
      { content: 'world' },
      {},
    ]);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it('adds a usage chunk when the request asks for stream_options.include_usage', async () => {
    const chunks = (await all(mockResponse$(request(true, { stream_options: { include_usage: true } }), 'Hi', now))) as ChatCompletionChunk[];
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 1 } });
  });

  it('emits synchronously on subscribe (so it runs in virtual time)', () => {
    const seen: unknown[] = [];
    mockResponse$(request(false), 'now', now).subscribe((value) => seen.push(value));
    expect(seen).toHaveLength(1);
  });

  it.each([
    ['litellm.RateLimitError', RateLimitError, 429, 'rate_limit_exceeded'],
    ['litellm.InternalServerError', InternalServerError, 500, 'internal_server_error'],
    ['litellm.APIError', InternalServerError, 500, 'internal_server_error'],
    ['litellm.Timeout', RequestTimeoutError, 408, 'upstream_timeout'],
    ['  litellm.BadRequestError ', BadRequestError, 400, 'bad_request'],
  ] as const)('fails with the class %s names', async (mock, Class, status, code) => {
    const { error, values } = await collect(mockResponse$(request(false), mock, now));
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(Class);
    expect(error).toMatchObject({ status, code });
  });

  it('rejects a misspelt LiteLLM error class with 400 instead of answering with its name', async () => {
    const { error } = await collect(mockResponse$(request(false), 'litellm.RateLimitErorr', now));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ param: 'mock_response', message: expect.stringContaining('unknown LiteLLM error class') });
  });

  it('answers text that merely mentions a class as text', async () => {
    const [completion] = (await all(mockResponse$(request(false), 'see litellm.RateLimitError docs', now))) as ChatCompletion[];
    expect(completion?.choices[0]?.message.content).toBe('see litellm.RateLimitError docs');
  });
});

describe('mockTimeout$', () => {
  it('never emits, completes or errors', () => {
    const seen: string[] = [];
    const subscription = mockTimeout$().subscribe({ next: () => seen.push('next'), error: () => seen.push('error'), complete: () => seen.push('complete') });
    expect(seen).toEqual([]);
    expect(subscription.closed).toBe(false);
    subscription.unsubscribe();
  });
});
