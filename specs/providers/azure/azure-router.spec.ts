// azure/ deployments through `new Router(...)` against a fake upstream speaking Azure OpenAI's wire
// format (its URL, `api-key` header, filter annotations, error bodies), replayed from fixtures.
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  ContentPolicyViolationError,
  RateLimitError,
  RequestTimeoutError,
  Router,
  type RouterConfig,
  type RxllmError,
} from '../../../src/index.js';
import { collect } from '../../support/collect.js';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';
import { fixture, sseEvents } from '../../support/fixtures.js';

const key = 'az-test-secret-5e1f';
const version = '2024-10-21';
const streamWithFilters = sseEvents(fixture(new URL('./fixtures/stream-with-filters.sse', import.meta.url)));
const filteredStream = sseEvents(fixture(new URL('./fixtures/stream-filtered-completion.sse', import.meta.url)));
const completionBody = fixture(new URL('./fixtures/completion.json', import.meta.url));
const contentFilter400 = fixture(new URL('./fixtures/content-filter-400.json', import.meta.url));
const rateLimit429 = fixture(new URL('./fixtures/rate-limit-429.json', import.meta.url));

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

function azure(deploymentName: string, params: Record<string, unknown> = {}) {
  return {
    model_name: 'chat',
    litellm_params: { model: `azure/${deploymentName}`, api_base: apiBase, api_key: key, api_version: version, ...params },
    model_info: { id: deploymentName },
  };
}

function router(config: RouterConfig): Router {
  const created = new Router(config, { random: () => 0, env: {} });
  routers.push(created);
  return created;
}

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: 'Hi' }] };
const text = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

describe('azure/ deployments', () => {
  it("POSTs to Azure's deployment URL with api-version, the key in the api-key header only", async () => {
    upstream.behave('prod-4o', { kind: 'raw', contentType: 'application/json', pieces: [completionBody] });
    const completion = (await lastValueFrom(router({ model_list: [azure('prod-4o')] }).completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from Azure');
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 4 });
    const [sent] = upstream.requests;
    expect(sent?.path).toBe(`/openai/deployments/prod-4o/chat/completions?api-version=${version}`);
    expect(sent?.headers['api-key']).toBe(key);
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toMatchObject({ messages: ask.messages });
  });

  it('sends azure_ad_token as a Bearer token when there is no key', async () => {
    upstream.behave('entra', { kind: 'raw', contentType: 'application/json', pieces: [completionBody] });
    const r = router({ model_list: [azure('entra', { api_key: undefined, azure_ad_token: 'eyJ-entra-token' })] });
    await lastValueFrom(r.completion$(ask));
    expect(upstream.requests[0]?.headers['authorization']).toBe('Bearer eyJ-entra-token');
    expect(upstream.requests[0]?.headers['api-key']).toBeUndefined();
  });

  it('streams: the prompt_filter_results chunk and content_filter_results pass through, the text is whole', async () => {
    upstream.behave('prod-4o', { kind: 'raw', pieces: streamWithFilters });
    const chunks = await lastValueFrom(router({ model_list: [azure('prod-4o')] }).completion$({ ...ask, stream: true }).pipe(toArray()));
    expect(text(chunks)).toBe('Hello from Azure');
    expect(chunks[0]).toMatchObject({ choices: [], prompt_filter_results: [expect.objectContaining({ prompt_index: 0 })] });
    expect(chunks[2]?.choices[0]).toHaveProperty('content_filter_results.hate.filtered', false);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('never lets the filter chunk or the role chunk satisfy the first-chunk clock', async () => {
    // Both content-free events come at once, then nothing: only a content chunk would stop the clock.
    upstream.behave('quiet', { kind: 'raw', pieces: streamWithFilters.slice(0, 2), then: 'stall' });
    const r = router({ model_list: [azure('quiet')], stream_timeout: 0.3, num_retries: 0 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(outcome.values).toEqual([]);
    expect(outcome.error).toBeInstanceOf(RequestTimeoutError);
    expect(outcome.error).toMatchObject({ code: 'first_chunk_timeout' });
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends a stream that stalls after its first content with idle_timeout, the text so far kept', async () => {
    upstream.behave('stalls', { kind: 'raw', pieces: streamWithFilters.slice(0, 3), then: 'stall' });
    const r = router({ model_list: [azure('stalls')], stream_idle_timeout: 0.3, num_retries: 1 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Hello');
    expect(outcome.error).toMatchObject({ status: 408, code: 'idle_timeout' });
    expect(upstream.requests).toHaveLength(1);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('turns an error event mid-stream into its typed error after the chunks already sent', async () => {
    const errorEvent = 'data: {"error":{"code":"server_error","message":"The server had an error while processing your request.","status":500}}\n\n';
    upstream.behave('breaks', { kind: 'raw', pieces: [...streamWithFilters.slice(0, 3), errorEvent] });
    const outcome = await collect(router({ model_list: [azure('breaks')] }).completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Hello');
    expect(outcome.error).toMatchObject({ status: 500, code: 'server_error' });
  });

  it("waits Azure's retry-after on a 429, then answers", async () => {
    const limited = { 'retry-after': '1', 'retry-after-ms': '300' };
    upstream.behave(
      'limited',
      { kind: 'raw', status: 429, contentType: 'application/json', headers: limited, pieces: [rateLimit429] },
      { kind: 'raw', contentType: 'application/json', pieces: [completionBody] },
    );
    const r = router({ model_list: [azure('limited')], num_retries: 1 });
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from Azure');
    const [first, second] = upstream.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(280);
  });

  it('reads a 429 with retry-after as RateLimitError with retryAfter', async () => {
    upstream.behave('limited', { kind: 'raw', status: 429, contentType: 'application/json', headers: { 'retry-after': '17' }, pieces: [rateLimit429] });
    const { error } = await collect(router({ model_list: [azure('limited')], num_retries: 0 }).completion$(ask));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfter: 17 });
  });

  it('turns a content_filter 400 into ContentPolicyViolationError, so content_policy_fallbacks apply', async () => {
    upstream.behave('strict', { kind: 'raw', status: 400, contentType: 'application/json', pieces: [contentFilter400] });
    upstream.behave('lenient', { kind: 'raw', contentType: 'application/json', pieces: [completionBody] });
    const r = router({
      model_list: [azure('strict'), { ...azure('lenient'), model_name: 'backup' }],
      content_policy_fallbacks: [{ chat: ['backup'] }],
      num_retries: 2,
    });
    const events: string[] = [];
    r.events$.subscribe((event) => events.push(`${event.type}:${'code' in event ? String(event.code) : ''}`));
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from Azure');
    expect(upstream.requests.map(({ model }) => model)).toEqual(['strict', 'lenient']);
    expect(events).toContain('attemptFailed:content_policy_violation');
  });

  it('is a ContentPolicyViolationError without fallbacks too, never retried', async () => {
    upstream.behave('strict', { kind: 'raw', status: 400, contentType: 'application/json', pieces: [contentFilter400] });
    const { error } = await collect(router({ model_list: [azure('strict')], num_retries: 2 }).completion$(ask));
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
    expect(upstream.requests).toHaveLength(1);
  });

  it('passes finish_reason content_filter through as the end of a whole stream', async () => {
    upstream.behave('filtered', { kind: 'raw', pieces: filteredStream });
    const chunks = await lastValueFrom(router({ model_list: [azure('filtered')] }).completion$({ ...ask, stream: true }).pipe(toArray()));
    expect(text(chunks)).toBe('Once upon');
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ finish_reason: 'content_filter', content_filter_results: { violence: { filtered: true } } });
  });

  it('aborts the upstream request when the caller unsubscribes mid-stream', async () => {
    upstream.behave('endless', { kind: 'raw', pieces: streamWithFilters, delayMs: 200 });
    const subscription = router({ model_list: [azure('endless')] }).completion$({ ...ask, stream: true }).subscribe();
    await upstream.waitForRequest(0);
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('never shows the key: not in the URL, the settings, or an error that echoes it', async () => {
    upstream.behave('echo', { kind: 'error', status: 401, error: { code: '401', message: `Access denied due to invalid subscription key ${key}.` } });
    const r = router({ model_list: [azure('echo')], num_retries: 0 });
    const { error } = await collect(r.completion$(ask));
    expect(error).toMatchObject({ status: 401 });
    const shown = [upstream.requests[0]?.path, JSON.stringify(r.settings), (error as RxllmError).message, JSON.stringify((error as RxllmError).toOpenAIError())];
    for (const text of shown) expect(text).not.toContain(key);
    expect((error as RxllmError).message).toContain('[redacted]');
  });

  it('answers mock_response and hangs on mock_timeout without calling Azure', async () => {
    const r = router({ model_list: [azure('mocked', { mock_response: 'canned' }), { ...azure('hangs', { mock_timeout: true }), model_name: 'slow' }], num_retries: 0 });
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('canned');
    const { error } = await collect(r.completion$({ ...ask, model: 'slow', stream: true, stream_timeout: 0.1 }));
    expect(error).toMatchObject({ code: 'first_chunk_timeout' });
    expect(upstream.requests).toHaveLength(0);
  });
});
