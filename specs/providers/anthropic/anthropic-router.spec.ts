// anthropic/ deployments through `new Router(...)` against a fake upstream speaking Anthropic's
// Messages API (its URL, headers, request rules, message bodies, named SSE events, error bodies),
// with recorded streams replayed from fixtures. Real sockets, real (short) clocks.
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  BadRequestError,
  type ChatCompletion,
  type ChatCompletionChunk,
  RateLimitError,
  RequestTimeoutError,
  Router,
  type RouterConfig,
  type RouterEvent,
  RxllmError,
  ServiceUnavailableError,
} from '../../../src/index.js';
import { collect } from '../../support/collect.js';
import { fixture, sseEvents } from '../../support/fixtures.js';
import { type FakeAnthropicUpstream, startFakeAnthropicUpstream } from './fake-anthropic-upstream.js';

const key = 'sk-ant-api03-test-secret-7d1c';
const recorded = (name: string) => fixture(new URL(`./fixtures/${name}`, import.meta.url));
const textStream = sseEvents(recorded('text.sse'));
const toolStream = sseEvents(recorded('tool-use.sse'));
const errorMidStream = sseEvents(recorded('error-mid-stream.sse'));
const cutShort = sseEvents(recorded('cut-short.sse'));

let upstream: FakeAnthropicUpstream;
const routers: Router[] = [];

beforeAll(async () => {
  upstream = await startFakeAnthropicUpstream({ key });
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  upstream.reset();
});
afterAll(() => upstream.close());

function claude(model: string, params: Record<string, unknown> = {}, group = 'claude') {
  return { model_name: group, litellm_params: { model: `anthropic/${model}`, api_base: upstream.apiBase, api_key: key, ...params }, model_info: { id: model } };
}

function router(config: RouterConfig): Router {
  const created = new Router(config, { random: () => 0, env: {} });
  routers.push(created);
  return created;
}

const ask = { model: 'claude', messages: [{ role: 'user' as const, content: 'Hi' }] };
const text = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
const askedModels = () => upstream.requests.map(({ model }) => model);

describe('anthropic/ deployments', () => {
  it("POSTs a Messages body to /v1/messages with x-api-key and anthropic-version, and reads the message back", async () => {
    const r = router({ model_list: [claude('claude-sonnet-4')] });
    const completion = (await lastValueFrom(
      r.completion$({
        model: 'claude',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'user', content: 'Are you there?' },
        ],
        stop: 'END',
        temperature: 0.3,
      }),
    )) as ChatCompletion;
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet-4',
      choices: [{ message: { role: 'assistant', content: 'Hello from claude-sonnet-4' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers).toMatchObject({ 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' });
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({
      model: 'claude-sonnet-4',
      max_tokens: 4096,
      system: 'Be brief.',
      // Two user turns in a row would be a 400 from Anthropic: they go as one turn.
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'Are you there?' }] }],
      stop_sequences: ['END'],
      temperature: 0.3,
    });
  });

  it('streams a recorded text stream: the text whole, finish_reason stop, then a usage chunk when asked', async () => {
    upstream.behave('claude-sonnet-4', { kind: 'events', events: textStream });
    const r = router({ model_list: [claude('claude-sonnet-4')] });
    const chunks = await lastValueFrom(r.completion$({ ...ask, stream: true, stream_options: { include_usage: true } }).pipe(toArray()));
    expect(text(chunks)).toBe('Hello!');
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 25, completion_tokens: 15, total_tokens: 40 } });
    expect(upstream.requests[0]?.body).toMatchObject({ stream: true, max_tokens: 4096 });
    expect(upstream.requests[0]?.body).not.toHaveProperty('stream_options');
  });

  it('sends tools, tool_choice, tool calls and tool results in Anthropic\'s shape, and reads tool_use back as tool_calls', async () => {
    upstream.behave('claude-tools', { kind: 'message', body: recorded('tool-use-message.json') });
    const r = router({ model_list: [claude('claude-tools')] });
    const completion = (await lastValueFrom(
      r.completion$({
        model: 'claude',
        messages: [
          { role: 'user', content: 'Weather in Paris, then SF?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'toolu_01', content: '21°C' },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
        tool_choice: 'required',
      }),
    )) as ChatCompletion;
    expect(upstream.requests[0]?.body).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Current weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: 'Weather in Paris, then SF?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { location: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '21°C' }] },
      ],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather' } }] },
    });
    const call = completion.choices[0]?.message.tool_calls?.[0] as { function: { arguments: string } };
    expect(JSON.parse(call.function.arguments)).toEqual({ location: 'San Francisco, CA', unit: 'celsius' });
  });

  it('streams tool calls from input_json_delta events, arguments that parse when joined', async () => {
    upstream.behave('claude-tools', { kind: 'events', events: toolStream });
    const r = router({ model_list: [claude('claude-tools')] });
    const chunks = await lastValueFrom(r.completion$({ ...ask, stream: true }).pipe(toArray()));
    const calls = chunks.flatMap((chunk) => (chunk.choices[0]?.delta.tool_calls ?? []) as { index: number; id?: string; function: { name?: string; arguments: string } }[]);
    const joined = (index: number) => calls.filter((c) => c.index === index).map((c) => c.function.arguments).join('');
    expect(calls.filter((c) => c.id !== undefined).map((c) => [c.index, c.id, c.function.name])).toEqual([
      [0, 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', 'get_weather'],
      [1, 'toolu_01Vq3qUQxHcH5J7NPsYxqUbU', 'get_time'],
    ]);
    expect(JSON.parse(joined(0))).toEqual({ location: 'San Francisco, CA', unit: 'fahrenheit' });
    expect(JSON.parse(joined(1))).toEqual({});
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('never lets message_start, content_block_start or ping satisfy the first-chunk clock (408 first_chunk_timeout)', async () => {
    // message_start, a text content_block_start, ping: then silence, the connection left open.
    upstream.behave('claude-quiet', { kind: 'events', events: textStream.slice(0, 3), then: 'stall' });
    const r = router({ model_list: [claude('claude-quiet')], stream_timeout: 0.3, num_retries: 0 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(outcome.values).toEqual([]);
    expect(outcome.error).toBeInstanceOf(RequestTimeoutError);
    expect(outcome.error).toMatchObject({ status: 408, code: 'first_chunk_timeout' });
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends a stream that stalls after its first text with idle_timeout, the text so far kept, nothing retried', async () => {
    upstream.behave('claude-stalls', { kind: 'events', events: textStream.slice(0, 4), then: 'stall' });
    const r = router({ model_list: [claude('claude-stalls')], stream_idle_timeout: 0.3, num_retries: 2 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Hello');
    expect(outcome.error).toMatchObject({ status: 408, code: 'idle_timeout' });
    expect(upstream.requests).toHaveLength(1);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends the stream with the typed error of a mid-stream error event, after the text already sent', async () => {
    upstream.behave('claude-breaks', { kind: 'events', events: errorMidStream });
    const r = router({ model_list: [claude('claude-breaks'), claude('claude-spare')], num_retries: 2 });
    const outcome = await collect(r.completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Once upon');
    expect(outcome.error).toBeInstanceOf(ServiceUnavailableError);
    expect(outcome.error).toMatchObject({ status: 503, message: 'Overloaded' });
    // After the first chunk nothing is retried: the caller already has part of an answer.
    expect(askedModels()).toEqual(['claude-breaks']);
  });

  it('errors with APIConnectionError when the stream ends before message_stop', async () => {
    upstream.behave('claude-cut', { kind: 'events', events: cutShort });
    const outcome = await collect(router({ model_list: [claude('claude-cut')] }).completion$({ ...ask, stream: true }));
    expect(text(outcome.values as ChatCompletionChunk[])).toBe('Once upon a time');
    expect(outcome.error).toBeInstanceOf(APIConnectionError);
    expect(outcome.completed).toBe(false);
  });

  it('retries a 529 overloaded_error on another deployment, and counts it as a server failure for cooldowns', async () => {
    upstream.behave('claude-busy', { kind: 'error', status: 529, body: recorded('overloaded-529.json') });
    const r = router({
      model_list: [claude('claude-busy'), claude('claude-free')],
      num_retries: 1,
      allowed_fails_policy: { InternalServerErrorAllowedFails: 0 },
    });
    const events: RouterEvent[] = [];
    r.events$.subscribe((event) => events.push(event));
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from claude-free');
    expect(askedModels()).toEqual(['claude-busy', 'claude-free']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'attemptFailed', deployment: 'claude-busy', status: 503 }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'cooldownStarted', deployment: 'claude-busy' }));
  });

  it('reads a 429 with retry-after as RateLimitError with retryAfter', async () => {
    upstream.behave('claude-limited', { kind: 'error', status: 429, body: recorded('rate-limit-429.json'), headers: { 'retry-after': '17' } });
    const { error } = await collect(router({ model_list: [claude('claude-limited')], num_retries: 0 }).completion$(ask));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfter: 17 });
  });

  it('turns "prompt is too long" into ContextWindowExceededError, so context_window_fallbacks are used', async () => {
    upstream.behave('claude-short', { kind: 'error', status: 400, body: recorded('prompt-too-long-400.json') });
    const r = router({
      model_list: [claude('claude-short'), claude('claude-long', {}, 'claude-1m')],
      context_window_fallbacks: [{ claude: ['claude-1m'] }],
      num_retries: 2,
    });
    const events: RouterEvent[] = [];
    r.events$.subscribe((event) => events.push(event));
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from claude-long');
    expect(askedModels()).toEqual(['claude-short', 'claude-long']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'attemptFailed', code: 'context_length_exceeded' }));
  });

  it('aborts the upstream request when the caller unsubscribes mid-stream (the fake sees the socket close)', async () => {
    upstream.behave('claude-endless', { kind: 'events', events: textStream, delayMs: 200 });
    const subscription = router({ model_list: [claude('claude-endless')] }).completion$({ ...ask, stream: true }).subscribe();
    await upstream.waitForRequest(0);
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('never shows the key: not in the URL, the settings, the events, or an error that echoes it', async () => {
    upstream.behave('claude-echo', { kind: 'error', status: 401, body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${key}` } }) });
    const r = router({ model_list: [claude('claude-echo')], num_retries: 0 });
    const events: RouterEvent[] = [];
    r.events$.subscribe((event) => events.push(event));
    const { error } = await collect(r.completion$(ask));
    expect(error).toMatchObject({ status: 401 });
    const shown = [upstream.requests[0]?.path, JSON.stringify(r.settings), JSON.stringify(events), (error as RxllmError).message, JSON.stringify((error as RxllmError).toOpenAIError())];
    for (const text of shown) expect(text).not.toContain(key);
    expect((error as RxllmError).message).toContain('[redacted]');
  });

  it('refuses a field Anthropic cannot take before calling it, naming the field; drop_params sends the rest', async () => {
    const strict = router({ model_list: [claude('claude-sonnet-4')] });
    const { error } = await collect(strict.completion$({ ...ask, seed: 7 }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'seed' });
    expect(upstream.requests).toHaveLength(0);
    const lenient = router({ model_list: [claude('claude-sonnet-4', { drop_params: true })] });
    await lastValueFrom(lenient.completion$({ ...ask, seed: 7 }));
    expect(upstream.requests[0]?.body).not.toHaveProperty('seed');
  });

  it('answers mock_response and hangs on mock_timeout without calling Anthropic, as on openai/', async () => {
    const r = router({
      model_list: [claude('claude-mocked', { mock_response: 'canned' }), claude('claude-hangs', { mock_timeout: true }, 'slow')],
      num_retries: 0,
    });
    const completion = (await lastValueFrom(r.completion$(ask))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('canned');
    const chunks = await lastValueFrom(r.completion$({ ...ask, stream: true, mock_response: 'streamed canned' }).pipe(toArray()));
    expect(text(chunks)).toBe('streamed canned');
    const { error } = await collect(r.completion$({ ...ask, model: 'slow', stream: true, stream_timeout: 0.1 }));
    expect(error).toMatchObject({ code: 'first_chunk_timeout' });
    expect(upstream.requests).toHaveLength(0);
  });
});
