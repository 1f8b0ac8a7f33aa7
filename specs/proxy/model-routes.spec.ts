import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { startTestProxy, type TestProxy } from './test-proxy.js';

// GET /v1/models/{model} (the openai SDK's models.retrieve) and LiteLLM's GET /v1/model/info.

const masterKey = 'sk-proxy-master-key';
const providerKey = 'sk-provider-secret-4242';
const config: RouterConfig = {
  model_list: [
    {
      model_name: 'gpt-4o',
      litellm_params: {
        model: 'openai/gpt-4o',
        api_base: 'https://user:pass-secret@llm.example/v1?key=query-secret',
        api_key: providerKey,
        timeout: 30,
        stream_timeout: 2.5,
        rpm: 600,
        max_parallel_requests: 8,
      },
      model_info: { id: 'eu-1' },
    },
    { model_name: 'team/local', litellm_params: { model: 'openai/llama', api_base: 'http://127.0.0.1:8000/v1', weight: 3 }, model_info: { id: 'local-1' } },
  ],
};

let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  proxy = await startTestProxy(config, { masterKey });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
});

describe('GET /v1/models/{model}', () => {
  it("answers the openai SDK's models.retrieve for a model group, a slash in its name included", async () => {
    expect(await client.models.retrieve('gpt-4o')).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'rxllm' });
    expect(await client.models.retrieve('team/local')).toMatchObject({ id: 'team/local', object: 'model' });
  });

  it('is a 404 model_not_found for anything else, as OpenAI answers', async () => {
    const error = await client.models.retrieve('gpt-5').catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('needs the key like every other route', async () => {
    expect((await fetch(`${proxy.url}/v1/models/gpt-4o`)).status).toBe(401);
  });
});

describe('GET /v1/model/info', () => {
  async function info(query = ''): Promise<{ status: number; text: string }> {
    const response = await fetch(`${proxy.url}/v1/model/info${query}`, { headers: { authorization: `Bearer ${masterKey}` } });
    return { status: response.status, text: await response.text() };
  }

  it('lists every deployment: group, provider/model, api_base with its credentials masked, limits and clocks in seconds', async () => {
    const { status, text } = await info();
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      data: [
        {
          model_name: 'gpt-4o',
          litellm_params: {
            model: 'openai/gpt-4o',
            api_base: 'https://***:***@llm.example/v1?key=***',
            timeout: 30,
            stream_timeout: 2.5,
            rpm: 600,
            max_parallel_requests: 8,
          },
          model_info: { id: 'eu-1', mode: 'chat', litellm_provider: 'openai' },
        },
        {
          model_name: 'team/local',
          litellm_params: { model: 'openai/llama', api_base: 'http://127.0.0.1:8000/v1', weight: 3 },
          model_info: { id: 'local-1', mode: 'chat', litellm_provider: 'openai' },
        },
      ],
    });
  });

  it('never shows a key, a password or a query secret', async () => {
    const { text } = await info();
    for (const secret of [providerKey, 'pass-secret', 'query-secret', masterKey]) expect(text).not.toContain(secret);
  });

  it('takes ?litellm_model_id= for one deployment, 404 naming it when there is none', async () => {
    expect(JSON.parse((await info('?litellm_model_id=local-1')).text).data.map((entry: { model_info: { id: string } }) => entry.model_info.id)).toEqual([
      'local-1',
    ]);
    const missing = await info('?litellm_model_id=nope');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error.param).toBe('litellm_model_id');
  });
});
