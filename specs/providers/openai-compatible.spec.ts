import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
} from '../../src/errors/error-classes.js';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/protocol/chat.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import type { Provider, ProviderRequest } from '../../src/providers/provider.js';
import type { CallOutput } from '../../src/router/call-kind.js';
import { collect } from '../support/collect.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { testDeployment } from '../support/test-deployment.js';
import { settle, watchUnhandledErrors, type UnhandledErrorWatch } from '../support/watch-unhandled-errors.js';

const apiKey = 'sk-test-secret-123';
const messages = [{ role: 'user', content: 'Say hello' }];

let upstream: FakeUpstream;
let agent: Agent;
let provider: Provider;
let unhandled: UnhandledErrorWatch;

beforeEach(async () => {
  unhandled = watchUnhandledErrors();
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  provider = createOpenAICompatibleProvider({ dispatcher: agent });
});

afterEach(async () => {
  await agent.destroy();
  await upstream.close();
  await settle();
  unhandled.stop();
  expect(unhandled.errors).toEqual([]);
});

function request(model: string, stream = false, extra: Record<string, unknown> = {}): ProviderRequest {
  return {
    deployment: testDeployment({ apiBase: upstream.apiBase, model, apiKey }),
    body: { model, messages, ...(stream ? { stream: true } : {}), ...extra },
    stream,
  };
}

function text(chunks: readonly CallOutput[]): string {
  return chunks.map((chunk) => (chunk as ChatCompletionChunk).choices[0]?.delta.content ?? '').join('');
}

async function failure(source: ProviderRequest, using: Provider = provider): Promise<RxllmError> {
  const outcome = await collect(using.call(source));
  expect(outcome.completed).toBe(false);
  expect(outcome.error).toBeInstanceOf(RxllmError);
  return outcome.error as RxllmError;
}

describe('createOpenAICompatibleProvider: the request', () => {
  it('POSTs the body as JSON to {apiBase}/chat/completions with the key as a Bearer token', async () => {
    await collect(provider.call(request('gpt-ok', false, { temperature: 0.2 })));
    const [sent] = upstream.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions', model: 'gpt-ok' });
    expect(sent?.body).toEqual({ model: 'gpt-ok', messages, temperature: 0.2 });
    expect(sent?.headers['authorization']).toBe(`Bearer ${apiKey}`);
    expect(sent?.headers['content-type']).toBe('application/json');
  });

  it('sends no authorization header when the deployment has no key', async () => {
    const source = request('gpt-ok');
    await collect(provider.call({ ...source, deployment: testDeployment({ apiBase: upstream.apiBase, model: 'gpt-ok' }) }));
    expect(upstream.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('is cold: nothing is sent before subscribe', async () => {
    const cold = provider.call(request('gpt-cold'));
    await collect(provider.call(request('gpt-other')));
    expect(upstream.requests.map((sent) => sent.model)).toEqual(['gpt-other']);
    await collect(cold);
    expect(upstream.requests.map((sent) => sent.model)).toEqual(['gpt-other', 'gpt-cold']);
  });
});

describe('createOpenAICompatibleProvider: non-streaming', () => {
  it('emits one ChatCompletion and completes', async () => {
    upstream.behave('gpt-ok', { kind: 'json', content: 'Hi there' });
    const { values, completed, error } = await collect(provider.call(request('gpt-ok')));
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    expect(values).toHaveLength(1);
    const completion = values[0] as ChatCompletion;
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe('Hi there');
  });

  it('errors with APIConnectionError (cause kept) when the body is not JSON', async () => {
    upstream.behave('gpt-bad-json', { kind: 'raw', contentType: 'application/json', pieces: ['{"id": "x", "choices": [{'] });
    const error = await failure(request('gpt-bad-json'));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.status).toBe(502);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('errors with APIConnectionError when the JSON is not a completion', async () => {
    upstream.behave('gpt-odd', { kind: 'json', body: { hello: 'world' } });
    expect(await failure(request('gpt-odd'))).toBeInstanceOf(APIConnectionError);
  });

  it('errors with APIConnectionError when an event stream answers a non-streaming request', async () => {
    upstream.behave('gpt-streams-anyway', { kind: 'stream' });
    expect(await failure(request('gpt-streams-anyway'))).toBeInstanceOf(APIConnectionError);
  });

  it('reads a 200 whose body is an OpenAI error as that error', async () => {
    upstream.behave('gpt-200-error', { kind: 'json', body: { error: { message: 'too fast', type: 'rate_limit_error', code: 'rate_limit_exceeded' } } });
    const error = await failure(request('gpt-200-error'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toBe('too fast');
  });
});

describe('createOpenAICompatibleProvider: streaming', () => {
  it('emits the role chunk, content chunks, finish chunk and usage chunk in order, then completes at [DONE]', async () => {
    upstream.behave('gpt-stream', { kind: 'stream', content: ['Hel', 'lo', ' wor', 'ld'], delayMs: 5, usage: true });
    const { values, completed, error } = await collect(provider.call(request('gpt-stream', true)));
    expect(error).toBeUndefined();
    expect(completed).toBe(true);
    const chunks = values as ChatCompletionChunk[];
    expect(chunks).toHaveLength(7);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.slice(1, 5).map((chunk) => chunk.choices[0]?.delta.content)).toEqual(['Hel', 'lo', ' wor', 'ld']);
    expect(chunks[5]?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks[6]?.choices).toEqual([]);
    expect(chunks[6]?.usage).toEqual({ prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 });
    expect(upstream.requests[0]?.headers['accept']).toBe('text/event-stream');
  });

  for (const lineEnding of ['\r\n', '\r'] as const) {
    it(`reads a stream framed with ${JSON.stringify(lineEnding)} line endings`, async () => {
      upstream.behave('gpt-eol', { kind: 'stream', content: ['a', 'b'], lineEnding });
      const { values, completed } = await collect(provider.call(request('gpt-eol', true)));
      expect(completed).toBe(true);
      expect(text(values)).toBe('ab');
    });
  }

  it('keeps a character whole when the network splits its bytes', async () => {
    const event = Buffer.from(
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'Grüße 🌍' }, finish_reason: 'stop' }] })}\n\n`,
    );
    const cut = event.indexOf(Buffer.from('🌍')) + 2;
    upstream.behave('gpt-utf8', { kind: 'raw', pieces: [event.subarray(0, cut), event.subarray(cut), 'data: [DONE]\n\n'], delayMs: 5 });
    const { values, completed } = await collect(provider.call(request('gpt-utf8', true)));
    expect(completed).toBe(true);
    expect(text(values)).toBe('Grüße 🌍');
  });

  it('skips SSE comments and keep-alives', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: null }] };
    upstream.behave('gpt-comments', { kind: 'raw', pieces: [': ping\n\n', `data: ${JSON.stringify(chunk)}\n\n`, ': ping\n\n', 'data: [DONE]\n\n'] });
    const { values, completed } = await collect(provider.call(request('gpt-comments', true)));
    expect(completed).toBe(true);
    expect(values).toEqual([chunk]);
  });

  it('completes when the body ends without [DONE] after a finish_reason', async () => {
    upstream.behave('gpt-no-done', { kind: 'stream', content: ['a'], done: false });
    const { values, completed } = await collect(provider.call(request('gpt-no-done', true)));
    expect(completed).toBe(true);
    expect(values).toHaveLength(3);
  });

  it('errors with APIConnectionError when the body ends before [DONE] and before any finish_reason', async () => {
    upstream.behave('gpt-cut', { kind: 'stream', content: ['a', 'b', 'c'], cutAfter: 2, cut: 'end' });
    const { values, completed, error } = await collect(provider.call(request('gpt-cut', true)));
    expect(completed).toBe(false);
    expect(values).toHaveLength(2);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).message).toMatch(/stream ended before completion/);
  });

  it('errors with the typed error of an error event, after the chunks before it', async () => {
    upstream.behave('gpt-error-event', {
      kind: 'stream',
      content: ['a', 'b'],
      cutAfter: 2,
      cut: 'error-event',
      error: { message: 'rate limited mid-stream', type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    });
    const { values, error } = await collect(provider.call(request('gpt-error-event', true)));
    expect(values).toHaveLength(2);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', message: 'rate limited mid-stream' });
  });

  it('errors with InternalServerError for an error event that names no status', async () => {
    upstream.behave('gpt-error-event', { kind: 'stream', cutAfter: 1, cut: 'error-event', error: { message: 'boom', type: 'weird', code: 'exploded' } });
    const error = (await collect(provider.call(request('gpt-error-event', true)))).error;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, code: 'exploded' });
  });

  it('errors with APIConnectionError on a data line that is not JSON, after the chunks before it', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'ok' }, finish_reason: null }] };
    upstream.behave('gpt-malformed-sse', {
      kind: 'raw',
      pieces: [`data: ${JSON.stringify(chunk)}\n\n`, 'data: {"choices": [oops\n\n', 'data: [DONE]\n\n'],
      then: 'stall',
    });
    const { values, error } = await collect(provider.call(request('gpt-malformed-sse', true)));
    expect(values).toEqual([chunk]);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    await upstream.waitForClose(0);
  });

  it('errors with APIConnectionError when a JSON completion answers a streaming request', async () => {
    upstream.behave('gpt-ignores-stream', { kind: 'json' });
    const { values, error } = await collect(provider.call(request('gpt-ignores-stream', true)));
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(APIConnectionError);
  });

  it('reads a 200 JSON error body answering a streaming request as that error', async () => {
    upstream.behave('gpt-200-error', { kind: 'json', body: { error: { message: 'nope', type: 'invalid_request_error', code: 'context_length_exceeded' } } });
    expect(await failure(request('gpt-200-error', true))).toBeInstanceOf(ContextWindowExceededError);
  });
});

describe('createOpenAICompatibleProvider: upstream error statuses', () => {
  it('turns 429 with Retry-After into RateLimitError with retryAfter in seconds', async () => {
    upstream.behave('gpt-429', {
      kind: 'error',
      status: 429,
      error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
      headers: { 'retry-after': '2' },
    });
    const error = await failure(request('gpt-429'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', retryAfter: 2, message: 'Rate limit reached for requests' });
  });

  it('turns 429 with retry-after-ms into retryAfter in seconds', async () => {
    upstream.behave('gpt-429', { kind: 'error', status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '9' } });
    expect((await failure(request('gpt-429'))).retryAfter).toBe(1.5);
  });

  it('reads a Retry-After HTTP-date against the injected clock', async () => {
    const now = () => Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    const clocked = createOpenAICompatibleProvider({ dispatcher: agent, now });
    upstream.behave('gpt-429', { kind: 'error', status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' } });
    expect((await failure(request('gpt-429'), clocked)).retryAfter).toBe(30);
  });

  it('turns 429 on a streaming request into the same RateLimitError', async () => {
    upstream.behave('gpt-429', { kind: 'error', status: 429, headers: { 'retry-after': '3' } });
    const error = await failure(request('gpt-429', true));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(3);
  });

  it('leaves retryAfter undefined when the upstream sends none', async () => {
    upstream.behave('gpt-429', { kind: 'error', status: 429 });
    expect((await failure(request('gpt-429'))).retryAfter).toBeUndefined();
  });

  it('turns 500 into InternalServerError', async () => {
    upstream.behave('gpt-500', { kind: 'error', status: 500, error: { message: 'The server had an error' } });
    const error = await failure(request('gpt-500'));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, message: 'The server had an error' });
  });

  it('keeps another 5xx status on InternalServerError', async () => {
    upstream.behave('gpt-502', { kind: 'error', status: 502, body: '<html>Bad Gateway</html>' });
    const error = await failure(request('gpt-502'));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(502);
    expect(error.message).toBe('upstream answered HTTP 502: <html>Bad Gateway</html>');
  });

  it('turns 503 into ServiceUnavailableError', async () => {
    upstream.behave('gpt-503', { kind: 'error', status: 503 });
    expect(await failure(request('gpt-503'))).toBeInstanceOf(ServiceUnavailableError);
  });

  it('turns a plain 400 into BadRequestError with the body\'s code and param', async () => {
    upstream.behave('gpt-400', {
      kind: 'error',
      status: 400,
      error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' },
    });
    const error = await failure(request('gpt-400'));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).not.toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_value', param: 'temperature' });
  });

  it('turns a 400 context_length_exceeded into ContextWindowExceededError', async () => {
    upstream.behave('gpt-400', {
      kind: 'error',
      status: 400,
      error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
    });
    const error = await failure(request('gpt-400'));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
  });

  it('turns 401 into AuthenticationError without ever showing the API key', async () => {
    upstream.behave('gpt-401', {
      kind: 'error',
      status: 401,
      error: { message: `Incorrect API key provided: ${apiKey}.`, type: 'invalid_request_error', code: 'invalid_api_key' },
    });
    const error = await failure(request('gpt-401'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain(apiKey);
    expect(JSON.stringify(error.toJSON())).not.toContain(apiKey);
  });

  it('turns 404 into NotFoundError', async () => {
    upstream.behave('gpt-404', { kind: 'error', status: 404, error: { message: 'The model does not exist', code: 'model_not_found' } });
    const error = await failure(request('gpt-404'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('model_not_found');
  });

  it('reads only the start of a huge error body', async () => {
    upstream.behave('gpt-huge', { kind: 'raw', status: 500, contentType: 'text/plain', pieces: ['x'.repeat(200_000)], then: 'stall' });
    const error = await failure(request('gpt-huge'));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message.length).toBeLessThan(400);
    await upstream.waitForClose(0);
  });
});

describe('createOpenAICompatibleProvider: transport failures', () => {
  it('turns a connection reset before the headers into APIConnectionError with its cause', async () => {
    upstream.behave('gpt-reset', { kind: 'reset' });
    const error = await failure(request('gpt-reset'));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.status).toBe(502);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toContain(new URL(upstream.apiBase).origin);
  });

  it('turns a connection reset right after the headers into APIConnectionError', async () => {
    upstream.behave('gpt-reset', { kind: 'reset', afterHeaders: true });
    expect(await failure(request('gpt-reset', true))).toBeInstanceOf(APIConnectionError);
  });

  it('turns a connection reset mid-stream into APIConnectionError after the chunks before it', async () => {
    upstream.behave('gpt-reset', { kind: 'stream', content: ['a', 'b', 'c'], cutAfter: 2, cut: 'destroy' });
    const { values, error } = await collect(provider.call(request('gpt-reset', true)));
    expect(values).toHaveLength(2);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as Error).cause).toBeDefined();
  });

  it('turns a connection reset while reading a completion into APIConnectionError', async () => {
    upstream.behave('gpt-reset', { kind: 'raw', contentType: 'application/json', pieces: ['{"id":'], then: 'destroy' });
    expect(await failure(request('gpt-reset'))).toBeInstanceOf(APIConnectionError);
  });

  it('turns a refused connection into APIConnectionError with the socket error as cause', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const source = request('gpt-nowhere');
    const error = await failure({ ...source, deployment: testDeployment({ apiBase: `http://127.0.0.1:${closedPort}/v1`, model: 'gpt-nowhere', apiKey }) });
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(error.message).not.toContain(apiKey);
  });
});
