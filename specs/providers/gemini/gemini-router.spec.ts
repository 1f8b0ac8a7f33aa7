// gemini/ deployments through `new Router(...)` against a fake upstream speaking Gemini's wire format
// (its URLs, `x-goog-api-key`, SSE of GenerateContentResponse ending at EOF, google.rpc error
// bodies), replayed from fixtures recorded in that format.
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  BadRequestError,
  type ChatCompletion,
  type ChatCompletionChunk,
  ConfigError,
  RateLimitError,
  RequestTimeoutError,
  Router,
  type RouterConfig,
  type RxllmError,
  ServiceUnavailableError,
} from '../../../src/index.js';
import { collect } from '../../support/collect.js';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';
import { fixture, sseEvents } from '../../support/fixtures.js';

const key = 'AIzaSy-test-secret-77';
const read = (name: string) => fixture(new URL(`./fixtures/${name}`, import.meta.url));
const textStream = sseEvents(read('text.sse'));
const contentFree = sseEvents(read('content-free-start.sse'));
const json = 'application/json; charset=UTF-8';

let upstream: FakeUpstream;
let apiBase: string;
const routers: Router[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  apiBase = `http://127.0.0.1:${upstream.port}`;
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  upstream.reset();
});
afterAll(() => upstream.close());

function gemini(model: string, params: Record<string, unknown> = {}, group = 'chat') {
  return { model_name: group, litellm_params: { model: `gemini/${model}`, api_base: apiBase, api_key: key, ...params }, model_info: { id: model } };
}

function router(config: RouterConfig, env: Record<string, string> = {}): Router {
  const created = new Router(config, { random: () => 0, env });
  routers.push(created);
  return created;
}

const ask = { model: 'chat', messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hi' }] };
const text = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
const answer = (name = 'completion.json') => ({ kind: 'raw' as const, contentType: json, pieces: [read(name)] });

describe('gemini/ deployments', () => {
  it('POSTs the translated request to :generateContent with the key in x-goog-api-key only', async () => {
    upstream.behave('gemini-2.0-flash', answer());
    const r = router({ model_list: [gemini('gemini-2.0-flash')] });
    const completion = (await lastValueFrom(r.completion$({ ...ask, max_tokens: 64, temperature: 0.2 }))) as ChatCompletion;
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gemini-2.0-flash',
      choices: [{ message: { role: 'assistant', content: 'Hello from Gemini' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 },
    });
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(sent?.headers['x-goog-api-key']).toBe(key);
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { maxOutputTokens: 64, temperature: 0.2 },
    });
  });

  it('takes the key from GEMINI_API_KEY and the default api_base when the deployment gives none', () => {
    const r = router({ model_list: [{ model_name: 'g', litellm_params: { model: 'gemini/gemini-2.0-flash' } }] }, { GEMINI_API_KEY: 'AIza-env' });
    expect(r.settings.deployments[0]).toMatchObject({ apiBase: 'https://generativelanguage.googleapis.com', apiKey: 'AIza-env' });
    expect(() => new Router({ model_list: [{ model_name: 'g', litellm_params: { model: 'gemini/gemini-2.0-flash' } }] }, { env: {} })).toThrow(
      ConfigError,
    );
  });

  it('streams from :streamGenerateContent?alt=sse: chunks with the role first, usage last when asked, whole at EOF', async () => {
    upstream.behave('gemini-2.0-flash', { kind: 'raw', pieces: textStream });
    const r = router({ model_list: [gemini('gemini-2.0-flash')] });
    const chunks = await lastValueFrom(r.completion$({ ...ask, stream: true, stream_options: { include_usage: true } }).pipe(toArray()));
    expect(upstream.requests[0]?.path).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    expect(text(chunks)).toBe('Hello from Gemini');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 8, completion_tokens: 5, total_tokens: 13 } });
    expect(upstream.requests[0]?.body).not.toHaveProperty('stream_options');
  });

  it('never lets content-free events satisfy the first-chunk clock', async () => {
    upstream.behave('quiet', { kind: 'raw', pieces: contentFree, then: 'stall' });
    const r = router({ model_list: [gemini('quiet')], stream_timeout: 0.3, num_retries: 0 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(outcome.values).toEqual([]);
    expect(outcome.error).toBeInstanceOf(RequestTimeoutError);
    expect(outcome.error).toMatchObject({ code: 'first_chunk_timeout' });
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends a stream that stalls after its first content with idle_timeout', async () => {
    upstream.behave('stalls', { kind: 'raw', pieces: textStream.slice(0, 1), then: 'stall' });
    const r = router({ model_list: [gemini('stalls')], stream_idle_timeout: 0.3, num_retries: 2 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Hello');
    expect(outcome.error).toMatchObject({ status: 408, code: 'idle_timeout' });
    expect(upstream.requests).toHaveLength(1);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('turns an error event mid-stream into its typed error after the chunks already sent', async () => {
    upstream.behave('breaks', { kind: 'raw', pieces: sseEvents(read('mid-stream-error.sse')) });
    const outcome = await collect(router({ model_list: [gemini('breaks')] }).completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Hello');
    expect(outcome.error).toBeInstanceOf(ServiceUnavailableError);
  });

  it('never takes a stream that ends without a finishReason for a whole one', async () => {
    upstream.behave('cut', { kind: 'raw', pieces: textStream.slice(0, 2) });
    const outcome = await collect(router({ model_list: [gemini('cut')] }).completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Hello from');
    expect(outcome.completed).toBe(false);
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect((outcome.error as RxllmError).message).toMatch(/ended before completion/);
  });

  it("reads a 429's RetryInfo.retryDelay as retryAfter", async () => {
    upstream.behave('limited', { kind: 'raw', status: 429, contentType: json, pieces: [read('rate-limit-429.json')] });
    const { error } = await collect(router({ model_list: [gemini('limited')], num_retries: 0 }).completion$(ask));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfter: 17 });
  });

  it("waits a 429's retryDelay before retrying, then answers", async () => {
    const shortDelay = read('rate-limit-429.json').replace('"17s"', '"0.3s"');
    upstream.behave('limited', { kind: 'raw', status: 429, contentType: json, pieces: [shortDelay] }, answer());
    const completion = (await lastValueFrom(router({ model_list: [gemini('limited')], num_retries: 1 }).completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from Gemini');
    const [first, second] = upstream.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(280);
  });

  it('falls back on a blocked prompt through content_policy_fallbacks', async () => {
    upstream.behave('strict', answer('blocked-prompt.json'));
    upstream.behave('lenient', answer());
    const r = router({
      model_list: [gemini('strict'), gemini('lenient', {}, 'backup')],
      content_policy_fallbacks: [{ chat: ['backup'] }],
    });
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from Gemini');
    expect(upstream.requests.map(({ model }) => model)).toEqual(['strict', 'lenient']);
  });

  it('aborts the upstream request when the caller unsubscribes mid-stream', async () => {
    upstream.behave('endless', { kind: 'raw', pieces: textStream, delayMs: 200 });
    const subscription = router({ model_list: [gemini('endless')] }).completion$({ ...ask, stream: true }).subscribe();
    await upstream.waitForRequest(0);
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('never shows the key: not in the URL, the settings, or an error that echoes it', async () => {
    const echo = JSON.stringify({ error: { code: 403, message: `Permission denied for key ${key}.`, status: 'PERMISSION_DENIED' } });
    upstream.behave('echo', { kind: 'raw', status: 403, contentType: json, pieces: [echo] });
    const r = router({ model_list: [gemini('echo')], num_retries: 0 });
    const { error } = await collect(r.completion$(ask));
    expect(error).toMatchObject({ status: 403 });
    const shown = [upstream.requests[0]?.path, JSON.stringify(r.settings), (error as RxllmError).message, JSON.stringify((error as RxllmError).toOpenAIError())];
    for (const text of shown) expect(text).not.toContain(key);
  });

  it('refuses a field Gemini cannot take, naming it, without calling Gemini; drop_params drops it', async () => {
    const strict = router({ model_list: [gemini('gemini-2.0-flash')] });
    const { error } = await collect(strict.completion$({ ...ask, logit_bias: { 42: 1 } }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'logit_bias' });
    expect(upstream.requests).toHaveLength(0);

    upstream.behave('gemini-2.0-flash', answer());
    const lenient = router({ model_list: [gemini('gemini-2.0-flash', { drop_params: true })] });
    await lastValueFrom(lenient.completion$({ ...ask, logit_bias: { 42: 1 } }));
    expect(upstream.requests[0]?.body).not.toHaveProperty('logit_bias');
  });

  it('answers mock_response and hangs on mock_timeout without calling Gemini', async () => {
    const r = router({ model_list: [gemini('mocked', { mock_response: 'canned' }), gemini('hangs', { mock_timeout: true }, 'slow')], num_retries: 0 });
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('canned');
    const { error } = await collect(r.completion$({ ...ask, model: 'slow', stream: true, stream_timeout: 0.1 }));
    expect(error).toMatchObject({ code: 'first_chunk_timeout' });
    expect(upstream.requests).toHaveLength(0);
  });
});
