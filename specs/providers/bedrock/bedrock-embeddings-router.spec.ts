// Embeddings at bedrock/ deployments through `new Router(...)` against a fake Bedrock Runtime that
// answers InvokeModel (`/model/<id>/invoke`) in Titan's and Cohere's shapes and checks every SigV4
// signature by re-signing what arrived.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadRequestError, RateLimitError, Router } from '../../../src/index.js';
import { collect } from '../../support/collect.js';
import { type FakeBedrock, startFakeBedrock } from '../../support/fake-bedrock.js';

const credentials = { accessKeyId: 'AKIAFAKEEMBEDKEY0001', secretAccessKey: 'fake/embed+secret/key', sessionToken: 'FwoGZXIvYXdzEMBEDSESSIONTOKEN' };
const bearerToken = 'ABSKQmVkcm9ja0FQSUtleS1embed-bearer-token';
const region = 'us-east-1';
const titan = 'amazon.titan-embed-text-v2:0';
const cohere = 'cohere.embed-english-v3';

let bedrock: FakeBedrock;
const routers: Router[] = [];

beforeAll(async () => {
  bedrock = await startFakeBedrock({ region, credentials, bearerToken });
});
afterEach(async () => {
  await Promise.all(routers.splice(0).map((router) => router.close()));
  bedrock.reset();
});
afterAll(() => bedrock.close());

const sigV4 = {
  aws_access_key_id: credentials.accessKeyId,
  aws_secret_access_key: credentials.secretAccessKey,
  aws_session_token: credentials.sessionToken,
  aws_region_name: region,
};

function router(deployments: { id: string; modelId: string; params?: Record<string, unknown> }[], numRetries = 0): Router {
  const created = new Router(
    {
      model_list: deployments.map(({ id, modelId, params }) => ({
        model_name: 'embed',
        litellm_params: { model: `bedrock/${modelId}`, api_base: bedrock.apiBase, ...(params ?? sigV4) },
        model_info: { id },
      })),
      num_retries: numRetries,
    },
    { random: () => 0, env: {} },
  );
  routers.push(created);
  return created;
}

describe('bedrock/ embeddings', () => {
  it('embeds with Titan V2 through a SigV4-signed /invoke: dimensions, normalize, usage from inputTextTokenCount', async () => {
    const answer = await router([{ id: 't', modelId: titan }]).embedding({ model: 'embed', input: 'hello there world', dimensions: 3 });
    expect(answer).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [17 / 8, 18 / 8, 19 / 8] }],
      model: titan,
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const [sent] = bedrock.requests;
    expect(sent).toMatchObject({ path: '/model/amazon.titan-embed-text-v2%3A0/invoke', auth: 'sigv4', authProblem: undefined });
    expect(sent?.body).toEqual({ inputText: 'hello there world', dimensions: 3, normalize: true });
  });

  it('embeds several inputs with Cohere in one call, usage from x-amzn-bedrock-input-token-count', async () => {
    const answer = await router([{ id: 'c', modelId: cohere }]).embedding({ model: 'embed', input: ['one', 'two words'] });
    expect(answer.data).toEqual([
      { object: 'embedding', index: 0, embedding: [3 / 8, 4 / 8, 5 / 8, 6 / 8] },
      { object: 'embedding', index: 1, embedding: [9 / 8, 10 / 8, 11 / 8, 12 / 8] },
    ]);
    expect(answer.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(bedrock.requests[0]).toMatchObject({ path: '/model/cohere.embed-english-v3/invoke', auth: 'sigv4', authProblem: undefined });
    expect(bedrock.requests[0]?.body).toEqual({ texts: ['one', 'two words'], input_type: 'search_document' });
  });

  it('sends a bearer token as converse does', async () => {
    const answer = await router([{ id: 'c', modelId: cohere, params: { api_key: bearerToken, aws_region_name: region } }]).embedding({ model: 'embed', input: 'x' });
    expect(answer.data).toHaveLength(1);
    expect(bedrock.requests[0]).toMatchObject({ auth: 'bearer', authProblem: undefined });
  });

  it('encodes base64 as OpenAI does', async () => {
    const answer = await router([{ id: 't', modelId: titan }]).embedding({ model: 'embed', input: 'ab', dimensions: 2, encoding_format: 'base64' });
    const bytes = Buffer.from(answer.data[0]?.embedding as string, 'base64');
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([2 / 8, 3 / 8]);
  });

  it('refuses several inputs for Titan with a 400 naming input, before any request', async () => {
    const { error } = await collect(router([{ id: 't', modelId: titan }]).embedding$({ model: 'embed', input: ['a', 'b'] }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'input' });
    expect(bedrock.requests).toHaveLength(0);
  });

  it("retries a 429 ThrottlingException on another deployment, keeping the upstream's Retry-After", async () => {
    bedrock.behave('cohere.embed-multilingual-v3', {
      kind: 'error',
      status: 429,
      type: 'ThrottlingException',
      message: `Too many requests for ${bearerToken}`,
      headers: { 'retry-after': '7' },
    });
    const r = router(
      [
        { id: 'busy', modelId: 'cohere.embed-multilingual-v3', params: { api_key: bearerToken, aws_region_name: region } },
        { id: 'free', modelId: cohere },
      ],
      1,
    );
    const answer = await r.embedding({ model: 'embed', input: 'x' });
    expect(answer.model).toBe(cohere);
    expect(bedrock.requests.map(({ modelId }) => modelId)).toEqual(['cohere.embed-multilingual-v3', cohere]);
    const alone = router([{ id: 'busy', modelId: 'cohere.embed-multilingual-v3', params: { api_key: bearerToken, aws_region_name: region } }]);
    const { error } = await collect(alone.embedding$({ model: 'embed', input: 'x' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryAfter: 7 });
    expect((error as Error).message).not.toContain(bearerToken);
    expect(bedrock.requests.every(({ path }) => !path.includes(bearerToken) && !path.includes(credentials.accessKeyId))).toBe(true);
  });

  it('answers a model of neither family with a 400 naming model', async () => {
    const { error } = await collect(router([{ id: 'x', modelId: 'anthropic.claude-3-haiku-20240307-v1:0' }]).embedding$({ model: 'embed', input: 'x' }));
    expect(error).toMatchObject({ status: 400, param: 'model', code: 'unsupported_endpoint' });
    expect(bedrock.requests).toHaveLength(0);
  });
});
