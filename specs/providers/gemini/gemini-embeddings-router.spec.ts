// Embeddings at gemini/ deployments through `new Router(...)` against a fake upstream answering
// `:batchEmbedContents` in Gemini's wire format (BatchEmbedContentsResponse, google.rpc errors).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, RateLimitError, Router, type RouterConfig } from '../../../src/index.js';
import { collect } from '../../support/collect.js';
import { type FakeUpstream, startFakeUpstream } from '../../support/fake-upstream.js';
import { fixture } from '../../support/fixtures.js';

const key = 'AIzaSy-embed-secret-42';
const json = 'application/json; charset=UTF-8';
const rateLimit = fixture(new URL('./fixtures/rate-limit-429.json', import.meta.url));

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

function gemini(model: string, id = model) {
  return { model_name: 'embed', litellm_params: { model: `gemini/${model}`, api_base: apiBase, api_key: key }, model_info: { id } };
}

function router(config: RouterConfig): Router {
  const created = new Router(config, { random: () => 0, env: {} });
  routers.push(created);
  return created;
}

const vectors = (...values: number[][]) => ({ kind: 'raw' as const, contentType: json, pieces: [JSON.stringify({ embeddings: values.map((v) => ({ values: v })) })] });

describe('gemini/ embeddings', () => {
  it('POSTs one request per input to :batchEmbedContents with the key in x-goog-api-key only, and answers in OpenAI shape', async () => {
    upstream.behave('gemini-embedding-001', vectors([0.1, 0.2], [0.3, 0.4]));
    const answer = await router({ model_list: [gemini('gemini-embedding-001')] }).embedding({ model: 'embed', input: ['hello', 'world'] });
    expect(answer).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    const [sent] = upstream.requests;
    expect(sent?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent?.path).not.toContain(key);
    expect(sent?.headers['x-goog-api-key']).toBe(key);
    expect(sent?.headers['authorization']).toBeUndefined();
    expect(sent?.body).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'world' }] } },
      ],
    });
  });

  it('sends dimensions as outputDimensionality and encodes base64 as OpenAI does', async () => {
    upstream.behave('gemini-embedding-001', vectors([1, 0, -2]));
    const answer = await router({ model_list: [gemini('gemini-embedding-001')] }).embedding({
      model: 'embed',
      input: 'hello',
      dimensions: 3,
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(answer.data[0]?.embedding as string, 'base64');
    expect([0, 1, 2].map((index) => bytes.readFloatLE(index * 4))).toEqual([1, 0, -2]);
    expect(upstream.requests[0]?.body).toMatchObject({ requests: [{ outputDimensionality: 3 }] });
  });

  it('refuses token inputs with a 400 naming input, before any request', async () => {
    const { error } = await collect(router({ model_list: [gemini('gemini-embedding-001')] }).embedding$({ model: 'embed', input: [101, 102] }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'input' });
    expect(upstream.requests).toHaveLength(0);
  });

  it("reads a 429's RetryInfo and retries on another deployment", async () => {
    upstream.behave('busy', { kind: 'raw', status: 429, contentType: json, pieces: [rateLimit] });
    upstream.behave('free', vectors([0.5]));
    const r = router({ model_list: [gemini('busy'), gemini('free')], num_retries: 1 });
    const answer = await r.embedding({ model: 'embed', input: 'hello' });
    expect(answer.data[0]?.embedding).toEqual([0.5]);
    expect(upstream.requests.map(({ model }) => model)).toEqual(['busy', 'free']);
    const alone = await collect(router({ model_list: [gemini('busy')], num_retries: 0 }).embedding$({ model: 'embed', input: 'hello' }));
    expect(alone.error).toBeInstanceOf(RateLimitError);
    expect(alone.error).toMatchObject({ status: 429, retryAfter: 17 });
  });

  it('never puts the key in an error, even when the upstream echoes it', async () => {
    const body = {
      error: {
        code: 400,
        message: `API key not valid: ${key}`,
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    };
    upstream.behave('gemini-embedding-001', { kind: 'raw', status: 400, contentType: json, pieces: [JSON.stringify(body)] });
    const { error } = await collect(router({ model_list: [gemini('gemini-embedding-001')], num_retries: 0 }).embedding$({ model: 'embed', input: 'x' }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify({ message: (error as Error).message, error })).not.toContain(key);
  });
});
