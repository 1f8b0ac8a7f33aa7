// The Router against a fake OpenAI upstream on 127.0.0.1: real sockets, real (short) clocks. Each
// spec shows the typed error, the retry / fallback path taken (which upstream models were asked, in
// which order), and that an abandoned attempt's connection was closed on the upstream's side.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import {
  APIConnectionError,
  BadRequestError,
  type CallInfo,
  type ChatCompletion,
  type ChatCompletionChunk,
  RequestTimeoutError,
  Router,
  type RouterConfig,
  RxllmError,
} from '../../src/index.js';
import { collect } from '../support/collect.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';

let upstream: FakeUpstream;
const routers: Router[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  upstream.reset();
});
afterAll(async () => {
  await upstream.close();
});

type DeploymentSpec = { group: string; id: string; model: string; params?: Record<string, unknown> };

function router(deployments: DeploymentSpec[], settings: Omit<RouterConfig, 'model_list'> = {}): Router {
  const created = new Router(
    {
      model_list: deployments.map(({ group, id, model, params }) => ({
        model_name: group,
        litellm_params: { model: `openai/${model}`, api_base: upstream.apiBase, api_key: 'sk-test-secret', ...params },
        model_info: { id },
      })),
      ...settings,
    },
    // random 0: the first healthy candidate is picked, and backoff jitter takes the most off.
    { random: () => 0, env: {} },
  );
  routers.push(created);
  return created;
}

const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };
const askedModels = () => upstream.requests.map((request) => request.model);

describe('Router over HTTP', () => {
  it('aborts an attempt that hangs before its headers (attempt_timeout) and retries on the other deployment at once', async () => {
    upstream.behave('hang-a', { kind: 'hang' });
    const r = router(
      [
        { group: 'chat', id: 'a', model: 'hang-a', params: { timeout: 0.2 } },
        { group: 'chat', id: 'b', model: 'ok-b' },
      ],
      { num_retries: 1 },
    );
    let info: CallInfo | undefined;
    const started = Date.now();
    const completion = await lastValueFrom(r.completion$({ model: 'chat', ...ask }, { onCommit: (i) => (info = i) }));
    expect(completion.choices[0]?.message.content).toBe('Hello from ok-b');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(askedModels()).toEqual(['hang-a', 'ok-b']);
    expect(info).toMatchObject({ deployment: 'b', group: 'chat', attemptedRetries: 1, attemptedFallbacks: 0 });
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('aborts a stream whose first chunk does not come in time (first_chunk_timeout) and falls back to the next group', async () => {
    upstream.behave('silent', { kind: 'stream', cutAfter: 0, cut: 'stall' });
    const r = router(
      [
        { group: 'primary', id: 'p', model: 'silent' },
        { group: 'backup', id: 'b', model: 'ok-backup' },
      ],
      { stream_timeout: 0.2, num_retries: 0, fallbacks: [{ primary: ['backup'] }] },
    );
    const chunks = await lastValueFrom(r.completion$({ model: 'primary', ...ask, stream: true }).pipe(toArray()));
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('Hello from ok-backup');
    expect(askedModels()).toEqual(['silent', 'ok-backup']);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends a committed stream that stalls with idle_timeout: the chunks already sent stay, nothing is retried', async () => {
    upstream.behave('stalls', { kind: 'stream', content: ['one ', 'two ', 'three'], cutAfter: 3, cut: 'stall' });
    const r = router([{ group: 'chat', id: 's', model: 'stalls' }], { stream_idle_timeout: 0.2, num_retries: 2 });
    const outcome = await collect(r.completion$({ model: 'chat', ...ask, stream: true }));
    const text = (outcome.values as ChatCompletionChunk[]).map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two ');
    expect(outcome.error).toBeInstanceOf(RequestTimeoutError);
    expect(outcome.error).toMatchObject({ status: 408, code: 'idle_timeout' });
    expect(askedModels()).toEqual(['stalls']);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it("waits a 429's Retry-After before retrying the same deployment, then answers", async () => {
    upstream.behave('limited', { kind: 'error', status: 429, headers: { 'retry-after-ms': '300' } }, { kind: 'answer' });
    const r = router([{ group: 'chat', id: 'only', model: 'limited' }], { num_retries: 1 });
    const completion = await lastValueFrom(r.completion$({ model: 'chat', ...ask }));
    expect(completion.choices[0]?.message.content).toBe('Hello from limited');
    const [first, second] = upstream.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(280);
    expect(askedModels()).toEqual(['limited', 'limited']);
  });

  it('retries a 500 and answers from the next attempt', async () => {
    upstream.behave('flaky', { kind: 'error', status: 500 }, { kind: 'answer', content: 'recovered' });
    const r = router([{ group: 'chat', id: 'f', model: 'flaky' }], { num_retries: 2, retry_after: 0 });
    const completion = (await lastValueFrom(r.completion$({ model: 'chat', ...ask }))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('recovered');
    expect(askedModels()).toEqual(['flaky', 'flaky']);
  });

  it('never retries or falls back on a 400: the typed error comes back after one request', async () => {
    upstream.behave('strict', { kind: 'error', status: 400, error: { message: 'temperature must be ≤ 2', param: 'temperature' } });
    const r = router(
      [
        { group: 'chat', id: 's1', model: 'strict' },
        { group: 'chat', id: 's2', model: 'strict' },
        { group: 'other', id: 'o', model: 'ok-other' },
      ],
      { num_retries: 3, fallbacks: [{ chat: ['other'] }] },
    );
    const { error } = await collect(r.completion$({ model: 'chat', ...ask }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400 });
    expect(askedModels()).toEqual(['strict']);
  });

  it('turns a connection reset into APIConnectionError and retries it elsewhere', async () => {
    upstream.behave('resets', { kind: 'reset' });
    const r = router(
      [
        { group: 'chat', id: 'r', model: 'resets' },
        { group: 'chat', id: 'ok', model: 'ok-after-reset' },
      ],
      { num_retries: 1 },
    );
    const completion = await lastValueFrom(r.completion$({ model: 'chat', ...ask }));
    expect(completion.choices[0]?.message.content).toBe('Hello from ok-after-reset');
    expect(askedModels()).toEqual(['resets', 'ok-after-reset']);
  });

  it('turns malformed SSE into APIConnectionError carrying the attempt, never a hang', async () => {
    upstream.behave('garbled', { kind: 'raw', pieces: ['data: {"id": "x", "choices": [\n\n'] });
    const r = router([{ group: 'chat', id: 'g', model: 'garbled' }], { num_retries: 0, timeout: 5 });
    const { error } = await collect(r.completion$({ model: 'chat', ...ask, stream: true }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as RxllmError).attempts).toEqual([
      expect.objectContaining({ deployment: 'g', group: 'chat', status: 502, code: 'api_connection_error' }),
    ]);
  });

  it('aborts the upstream request when the caller unsubscribes mid-stream', async () => {
    upstream.behave('endless', { kind: 'stream', content: ['a ', 'b ', 'c ', 'd ', 'e '], delayMs: 100 });
    const r = router([{ group: 'chat', id: 'e', model: 'endless' }]);
    const subscription = r.completion$({ model: 'chat', ...ask, stream: true }).subscribe();
    await upstream.waitForRequest(0);
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('bounds the worst case by the deadline: 3 hanging deployments, num_retries 2, fallbacks, timeout 1 → deadline_exceeded in about 1 s', async () => {
    upstream.behave('hang-1', { kind: 'hang' });
    upstream.behave('hang-2', { kind: 'hang' });
    upstream.behave('hang-3', { kind: 'hang' });
    const r = router(
      [
        { group: 'main', id: 'h1', model: 'hang-1' },
        { group: 'main', id: 'h2', model: 'hang-2' },
        { group: 'spare', id: 'h3', model: 'hang-3' },
      ],
      { timeout: 1, num_retries: 2, fallbacks: [{ main: ['spare'] }] },
    );
    const started = Date.now();
    const { error } = await collect(r.completion$({ model: 'main', ...ask }));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ status: 408, code: 'deadline_exceeded' });
    // About one second: not retries × timeout. Generous upper bound for a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2_500);
    // The attempt in flight when the deadline fired is in the error, cut by it.
    expect((error as RxllmError).attempts).toEqual([expect.objectContaining({ deployment: 'h1', code: 'deadline_exceeded', status: 408 })]);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });
});
