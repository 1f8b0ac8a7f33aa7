import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { scriptedProvider } from './scripted-provider.js';
import { startTestProxy, type TestProxy } from './test-proxy.js';

// The official openai SDK as a real client of the proxy: what users point at rxllm.

const masterKey = 'sk-proxy-master-key';
const config: RouterConfig = {
  model_list: [
    { model_name: 'gpt-4o-mini', litellm_params: { model: 'openai/gpt-4o-mini', mock_response: 'Hello from the proxy' }, model_info: { id: 'mini-1' } },
    { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', mock_timeout: true, stream_timeout: 0.2, num_retries: 0 } },
    { model_name: 'hang', litellm_params: { model: 'openai/hang', mock_timeout: true } },
    { model_name: 'partial', litellm_params: { model: 'openai/partial' } },
  ],
  fallbacks: [{ 'gpt-4o': ['gpt-4o-mini'] }],
  num_retries: 0,
};

let proxy: TestProxy;
let client: OpenAI;

beforeAll(async () => {
  proxy = await startTestProxy(config, { masterKey, provider: scriptedProvider().provider });
  client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await proxy.close();
});

const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];

describe('the openai SDK against the proxy', () => {
  it('gets a completion', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the proxy');
  });

  it('reads the x-litellm headers of a completion', async () => {
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(response.headers.get('x-litellm-model-id')).toBe('mini-1');
    expect(response.headers.get('x-litellm-timeout')).toBe('600');
  });

  it('streams a completion, falling back when stream_timeout fires', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the proxy');
  });

  it('lists the model groups', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['gpt-4o-mini', 'gpt-4o', 'hang', 'partial']);
  });

  it('gets an APIError with status 408 for a timeout', async () => {
    const error = await client.chat.completions
      .create({ model: 'hang', messages }, { headers: { 'x-litellm-timeout': '0.2' } })
      .then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(408);
    expect(apiError.code).toBe('deadline_exceeded');
    expect(apiError.type).toBe('timeout_error');
    expect(apiError.headers?.get('x-litellm-timeout')).toBe('0.2');
  });

  it('gets an APIError with status 408 for a stream whose first chunk never comes', async () => {
    const error = await client.chat.completions
      .create({ model: 'hang', messages, stream: true }, { headers: { 'x-litellm-stream-timeout': '0.1' } })
      .then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(408);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('first_chunk_timeout');
  });

  it('gets an APIError for a stream that fails after its first chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'partial', messages, stream: true });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().then(() => undefined, (caught: unknown) => caught);
    expect(received).toEqual(['Hello']);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('the upstream broke mid-stream');
  });

  it('gets an AuthenticationError for a wrong key', async () => {
    const stranger = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-not-the-key', maxRetries: 0 });
    const error = await stranger.chat.completions.create({ model: 'gpt-4o-mini', messages }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('gets a NotFoundError for an unknown model', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-7', messages }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});
