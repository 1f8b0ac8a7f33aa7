// bedrock/ deployments through `new Router(...)` against a fake Bedrock Runtime on 127.0.0.1 that
// checks every SigV4 signature by re-signing what arrived, and streams real binary event-stream
// frames: the same clocks, retries, commit point and cancellation as openai/ (DESIGN §8).
import { readFileSync } from 'node:fs';
import { lastValueFrom, toArray } from 'rxjs';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  AuthenticationError,
  type ChatCompletion,
  type ChatCompletionChunk,
  ContextWindowExceededError,
  RateLimitError,
  RequestTimeoutError,
  Router,
  type RouterConfig,
  RxllmError,
} from '../../../src/index.js';
import { createHttpProvider } from '../../../src/providers/http-provider.js';
import { collect } from '../../support/collect.js';
import { type FakeBedrock, type FakeFrame, startFakeBedrock } from '../../support/fake-bedrock.js';
import { settle } from '../../support/watch-unhandled-errors.js';
import { messages, parseLogfmt, postChat, startTestProxy } from '../../proxy/test-proxy.js';

const fixture = (name: string): FakeFrame[] => JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as FakeFrame[];
const textStream = fixture('converse-stream-text.json');
const toolStream = fixture('converse-stream-tool-use.json');

const credentials = { accessKeyId: 'AKIAFAKEKEYID0000001', secretAccessKey: 'fake/secret+access/key', sessionToken: 'FwoGZXIvYXdzEBYaDSESSIONTOKEN' };
const bearerToken = 'ABSKQmVkcm9ja0FQSUtleS1fake-bearer-token';
const region = 'eu-central-1';

let bedrock: FakeBedrock;
const routers: Router[] = [];

beforeAll(async () => {
  bedrock = await startFakeBedrock({ region, credentials, bearerToken });
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  bedrock.reset();
});
afterAll(async () => {
  await bedrock.close();
});

type DeploymentSpec = { group?: string; id: string; modelId: string; params?: Record<string, unknown> };

const sigV4Params = {
  aws_access_key_id: credentials.accessKeyId,
  aws_secret_access_key: credentials.secretAccessKey,
  aws_session_token: credentials.sessionToken,
  aws_region_name: region,
};

function router(deployments: DeploymentSpec[], settings: Omit<RouterConfig, 'model_list'> = {}, env: Record<string, string> = {}): Router {
  const created = new Router(
    {
      model_list: deployments.map(({ group, id, modelId, params }) => ({
        model_name: group ?? 'chat',
        litellm_params: { model: `bedrock/${modelId}`, api_base: bedrock.apiBase, ...sigV4Params, ...params },
        model_info: { id },
      })),
      ...settings,
    },
    { random: () => 0, env },
  );
  routers.push(created);
  return created;
}

const ask = { messages: [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'Hi' }] };
const askedModels = () => bedrock.requests.map((request) => request.modelId);
const text = (chunks: readonly ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

describe('bedrock/ through the Router', () => {
  it('answers a completion through Converse, signed with SigV4 the fake verifies, the model id encoded in the path', async () => {
    const modelId = 'anthropic.claude-3-haiku-20240307-v1:0';
    const r = router([{ id: 'b', modelId }]);
    const completion = await lastValueFrom(r.completion$({ model: 'chat', ...ask, max_tokens: 64, temperature: 0.2 }));
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: modelId,
      choices: [{ index: 0, message: { role: 'assistant', content: `Hello from ${modelId}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    const [request] = bedrock.requests;
    expect(request).toMatchObject({ path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse', auth: 'sigv4', authProblem: undefined });
    expect(request?.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(request?.body).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 64, temperature: 0.2 },
    });
  });

  it('streams ConverseStream frames as chunks: tool calls, finish_reason, usage when asked', async () => {
    bedrock.behave('tools', { kind: 'frames', frames: toolStream });
    const r = router([{ id: 'b', modelId: 'tools' }]);
    const chunks = await lastValueFrom(
      r.completion$({ model: 'chat', ...ask, stream: true, stream_options: { include_usage: true } }).pipe(toArray()),
    );
    expect(bedrock.requests[0]).toMatchObject({ path: '/model/tools/converse-stream', stream: true, authProblem: undefined });
    expect(text(chunks)).toBe('Let me check.');
    const calls = chunks.flatMap((chunk) => (chunk.choices[0]?.delta.tool_calls ?? []) as { index: number; id?: string; function: { name?: string; arguments: string } }[]);
    expect(calls[0]).toMatchObject({ index: 0, id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', function: { name: 'top_song' } });
    expect(calls.map((call) => call.function.arguments).join('')).toBe('{"sign": "WZPZ"}');
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 375, completion_tokens: 63, total_tokens: 438 } });
  });

  it('authenticates with a bearer token (api_key, or AWS_BEARER_TOKEN_BEDROCK) instead of signing', async () => {
    const own = router([{ id: 'b', modelId: 'm', params: { aws_access_key_id: undefined, aws_secret_access_key: undefined, api_key: bearerToken } }]);
    await lastValueFrom(own.completion$({ model: 'chat', ...ask }));
    const fromEnv = router(
      [{ id: 'b', modelId: 'm', params: { aws_access_key_id: undefined, aws_secret_access_key: undefined, aws_session_token: undefined } }],
      {},
      { AWS_BEARER_TOKEN_BEDROCK: bearerToken },
    );
    await lastValueFrom(fromEnv.completion$({ model: 'chat', ...ask, stream: true }).pipe(toArray()));
    expect(bedrock.requests.map(({ auth, authProblem, headers }) => [auth, authProblem, headers['x-amz-date']])).toEqual([
      ['bearer', undefined, undefined],
      ['bearer', undefined, undefined],
    ]);
  });

  it('gets an AuthenticationError when the signature is wrong (the fake really checks it)', async () => {
    const r = router([{ id: 'b', modelId: 'm', params: { aws_secret_access_key: 'not-the-secret' } }], { num_retries: 0 });
    const { error } = await collect(r.completion$({ model: 'chat', ...ask }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(bedrock.requests[0]?.authProblem).toMatch(/signature mismatch/);
  });

  it('never lets messageStart satisfy the first-chunk clock: messageStart then a stall is first_chunk_timeout, aborted', async () => {
    bedrock.behave('starts-only', { kind: 'frames', frames: textStream, cutAfter: 1, cut: 'stall' });
    const r = router([{ id: 'b', modelId: 'starts-only' }], { stream_timeout: 0.3, num_retries: 0 });
    const { values, error } = await collect(r.completion$({ model: 'chat', ...ask, stream: true }));
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ status: 408, code: 'first_chunk_timeout' });
    expect((await bedrock.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends a committed stream that stalls with idle_timeout, keeping what was sent', async () => {
    bedrock.behave('stalls', { kind: 'frames', frames: textStream, cutAfter: 3, cut: 'stall' });
    const r = router([{ id: 'b', modelId: 'stalls' }], { stream_idle_timeout: 0.3, num_retries: 2 });
    const { values, error } = await collect(r.completion$({ model: 'chat', ...ask, stream: true }));
    expect(text(values as ChatCompletionChunk[])).toBe('Hello from');
    expect(error).toMatchObject({ status: 408, code: 'idle_timeout' });
    expect(askedModels()).toEqual(['stalls']);
    expect((await bedrock.waitForClose(0)).closedByClient).toBe(true);
  });

  it('ends a committed stream with the typed error of an exception frame, never retrying after the first chunk', async () => {
    const frames: FakeFrame[] = [...textStream.slice(0, 2), { exception: 'throttlingException', message: 'Too many tokens, please wait before trying again.' }];
    bedrock.behave('throttled-mid', { kind: 'frames', frames });
    const r = router([{ id: 'b', modelId: 'throttled-mid' }, { id: 'c', modelId: 'spare' }], { num_retries: 2 });
    const { values, error } = await collect(r.completion$({ model: 'chat', ...ask, stream: true }));
    expect(text(values as ChatCompletionChunk[])).toBe('Hello');
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429 });
    expect(askedModels()).toEqual(['throttled-mid']);
  });

  it('retries an exception frame before the first chunk elsewhere, invisibly', async () => {
    bedrock.behave('broken', { kind: 'frames', frames: [textStream[0]!, { exception: 'modelStreamErrorException', message: 'stream broke' }] });
    const r = router([{ id: 'b', modelId: 'broken' }, { id: 'c', modelId: 'fine' }], { num_retries: 1 });
    const chunks = await lastValueFrom(r.completion$({ model: 'chat', ...ask, stream: true }).pipe(toArray()));
    expect(text(chunks)).toBe('Hello from fine');
    expect(askedModels()).toEqual(['broken', 'fine']);
  });

  it('retries a 429 ThrottlingException on another deployment at once', async () => {
    bedrock.behave('busy', { kind: 'error', status: 429, type: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
    const r = router([{ id: 'busy', modelId: 'busy' }, { id: 'free', modelId: 'free' }], { num_retries: 1 });
    const completion = (await lastValueFrom(r.completion$({ model: 'chat', ...ask }))) as ChatCompletion;
    expect(completion.choices[0]?.message.content).toBe('Hello from free');
    expect(askedModels()).toEqual(['busy', 'free']);
  });

  it('never retries a prompt that is too long: ContextWindowExceededError after one request', async () => {
    bedrock.behave('small', { kind: 'error', status: 400, type: 'ValidationException', message: 'Input is too long for requested model.' });
    const r = router([{ id: 'a', modelId: 'small' }, { id: 'b', modelId: 'small' }], { num_retries: 3 });
    const { error } = await collect(r.completion$({ model: 'chat', ...ask }));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(askedModels()).toEqual(['small']);
  });

  it('errors a stream that ends without messageStop (cut short), never completing as if whole', async () => {
    bedrock.behave('short', { kind: 'frames', frames: textStream, cutAfter: 3, cut: 'end' });
    const r = router([{ id: 'b', modelId: 'short' }], { num_retries: 0 });
    const { error, completed } = await collect(r.completion$({ model: 'chat', ...ask, stream: true }));
    expect(completed).toBe(false);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as RxllmError).message).toMatch(/messageStop/);
  });

  it('aborts the upstream request when the caller unsubscribes mid-stream', async () => {
    bedrock.behave('endless', { kind: 'frames', frames: textStream, delayMs: 100 });
    const r = router([{ id: 'b', modelId: 'endless' }]);
    const subscription = r.completion$({ model: 'chat', ...ask, stream: true }).subscribe();
    await bedrock.waitForRequest(0);
    subscription.unsubscribe();
    expect((await bedrock.waitForClose(0)).closedByClient).toBe(true);
  });

  it('sends nothing when unsubscribed while the request is still being signed', async () => {
    const r = router([{ id: 'b', modelId: 'never' }]);
    r.completion$({ model: 'chat', ...ask }).subscribe().unsubscribe();
    await settle(20);
    // A later call goes out, so the first had every chance to.
    await lastValueFrom(r.completion$({ model: 'chat', ...ask }));
    expect(askedModels()).toEqual(['never']);
    expect(bedrock.requests).toHaveLength(1);
  });

  it('answers mock_response and hangs on mock_timeout as an openai/ deployment does, calling nothing', async () => {
    const model_list = (provider: string) => [
      { model_name: 'mocked', litellm_params: { model: `${provider}/m`, mock_response: 'mocked answer' } },
      { model_name: 'hung', litellm_params: { model: `${provider}/m`, mock_timeout: true } },
    ];
    const outcomes = [];
    for (const provider of ['openai', 'bedrock']) {
      const r = new Router({ model_list: model_list(provider), num_retries: 0 }, { env: {} });
      routers.push(r);
      const answer = (await lastValueFrom(r.completion$({ model: 'mocked', ...ask }))).choices[0]?.message.content;
      const hung = await collect(r.completion$({ model: 'hung', ...ask, stream: true, stream_timeout: 0.1 }));
      outcomes.push([answer, (hung.error as RxllmError).status, (hung.error as RxllmError).code]);
    }
    expect(outcomes).toEqual([
      ['mocked answer', 408, 'first_chunk_timeout'],
      ['mocked answer', 408, 'first_chunk_timeout'],
    ]);
    expect(bedrock.requests).toHaveLength(0);
  });
});

describe('bedrock/ secrets', () => {
  const secrets = [credentials.sessionToken, credentials.secretAccessKey, credentials.accessKeyId, bearerToken];
  const bearerOnly = { aws_access_key_id: undefined, aws_secret_access_key: undefined, aws_session_token: undefined, api_key: bearerToken };
  // An upstream that echoes what it was sent: the session token and key id of a signed request, the bearer token of the other.
  const echo = (modelId: string, leaked: string) =>
    bedrock.behave(modelId, { kind: 'error', status: 403, type: 'UnrecognizedClientException', message: `The security token ${leaked} included in the request is invalid.` });

  it('never puts a key in the URL, and masks any an error echoes', async () => {
    echo('signed', `${credentials.sessionToken} (${credentials.accessKeyId})`);
    echo('bearer', bearerToken);
    const r = router([{ group: 'signed', id: 's', modelId: 'signed' }, { group: 'bearer', id: 'b', modelId: 'bearer', params: bearerOnly }], { num_retries: 0 });
    for (const group of ['signed', 'bearer']) {
      const { error } = await collect(r.completion$({ model: group, ...ask }));
      expect(error).toBeInstanceOf(AuthenticationError);
      const shown = JSON.stringify({ message: (error as RxllmError).message, body: (error as RxllmError).toOpenAIError() });
      expect(shown).toContain('The security token [redacted]');
      for (const secret of secrets) expect(shown).not.toContain(secret);
    }
    for (const secret of secrets) expect(bedrock.requests.map(({ path }) => path).join(' ')).not.toContain(secret);
  });

  it("keeps every secret out of the proxy's log lines and error bodies", async () => {
    echo('signed', credentials.sessionToken);
    const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
    const proxy = await startTestProxy(
      { model_list: [{ model_name: 'chat', litellm_params: { model: 'bedrock/signed', api_base: bedrock.apiBase, ...sigV4Params } }], num_retries: 0 },
      { provider: createHttpProvider({ dispatcher: agent }) },
    );
    try {
      const response = await postChat(proxy.url, { model: 'chat', messages });
      const body = await response.text();
      expect(response.status).toBe(401);
      expect(body).toContain('[redacted]');
      expect(parseLogfmt(proxy.lines.at(-1) ?? '')).toMatchObject({ status: '401' });
      for (const secret of secrets) {
        expect(body).not.toContain(secret);
        expect(proxy.lines.join('\n')).not.toContain(secret);
      }
    } finally {
      await proxy.close();
      await agent.destroy();
    }
  });
});
