import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../src/protocol/chat.js';
import { messages, postChat, sseData, startTestProxy, type TestProxy } from './test-proxy.js';

const config: RouterConfig = {
  model_list: [
    { model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'Hello there, friend' }, model_info: { id: 'fast-1' } },
    // Never answers; no retries, so its fallback runs as soon as its attempt clock (0.2 s) fires.
    {
      model_name: 'slow',
      litellm_params: { model: 'openai/slow', mock_timeout: true, num_retries: 0, timeout: 0.2 },
      model_info: { id: 'slow-1' },
    },
    { model_name: 'hang', litellm_params: { model: 'openai/hang', mock_timeout: true }, model_info: { id: 'hang-1' } },
  ],
  fallbacks: [{ slow: ['fast'] }],
  num_retries: 0,
};

let proxy: TestProxy;

beforeEach(async () => {
  proxy = await startTestProxy(config);
});

afterEach(async () => {
  await proxy.close();
});

function contentOf(body: string): string {
  return sseData(body)
    .filter((data) => data !== '[DONE]')
    .map((data) => (JSON.parse(data) as ChatCompletionChunk).choices[0]?.delta.content ?? '')
    .join('');
}

describe('POST /v1/chat/completions, JSON', () => {
  it('answers with the completion and the x-litellm headers', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as ChatCompletion;
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message.content).toBe('Hello there, friend');
    expect(response.headers.get('x-litellm-model-id')).toBe('fast-1');
    expect(response.headers.get('x-litellm-attempted-retries')).toBe('0');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('0');
    expect(response.headers.get('x-litellm-timeout')).toBe('600');
  });

  it('answers on /chat/completions too', async () => {
    const response = await fetch(`${proxy.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as ChatCompletion).choices[0]?.message.content).toBe('Hello there, friend');
  });

  it('falls back when the deployment timeout fires, and says so in the headers', async () => {
    const response = await postChat(proxy.url, { model: 'slow', messages, timeout: 5 });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-model-id')).toBe('fast-1');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(response.headers.get('x-litellm-timeout')).toBe('5');
  });

  it('fails with 408 deadline_exceeded and the x-litellm headers when the call runs out of time', async () => {
    const response = await postChat(proxy.url, { model: 'hang', messages, timeout: 0.2 });
    expect(response.status).toBe(408);
    expect(await response.json()).toEqual({
      error: { message: expect.any(String), type: 'timeout_error', param: null, code: 'deadline_exceeded' },
    });
    expect(response.headers.get('x-litellm-timeout')).toBe('0.2');
    expect(response.headers.get('x-litellm-attempted-retries')).toBe('0');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('0');
    expect(response.headers.get('x-litellm-model-id')).toBe('hang-1');
  });
});

describe('POST /v1/chat/completions, streaming', () => {
  it('streams SSE chunks and ends with data: [DONE]', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-litellm-model-id')).toBe('fast-1');
    const body = await response.text();
    const events = sseData(body);
    expect(events.at(-1)).toBe('[DONE]');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(contentOf(body)).toBe('Hello there, friend');
  });

  it('falls back when stream_timeout fires before the first chunk, and reports the fallback', async () => {
    const response = await postChat(proxy.url, { model: 'slow', messages, stream: true, stream_timeout: 0.1 });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-model-id')).toBe('fast-1');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(contentOf(await response.text())).toBe('Hello there, friend');
  });

  it('returns a proper 408 status and JSON body when the stream fails before its first chunk', async () => {
    const response = await postChat(proxy.url, { model: 'hang', messages, stream: true, stream_timeout: 0.1, num_retries: 1 });
    expect(response.status).toBe(408);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: 'first_chunk_timeout', type: 'timeout_error' });
    expect(response.headers.get('x-litellm-attempted-retries')).toBe('1');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('0');
    expect(response.headers.get('x-litellm-timeout')).toBe('600');
  });
});

describe('per-request extras in the body', () => {
  it('mock_response answers with the given text', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages, mock_response: 'from the body' });
    expect(((await response.json()) as ChatCompletion).choices[0]?.message.content).toBe('from the body');
  });

  it('mock_testing_fallbacks makes the group fail so that its fallback answers', async () => {
    const response = await postChat(proxy.url, { model: 'slow', messages, mock_testing_fallbacks: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-model-id')).toBe('fast-1');
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
  });

  it('disable_fallbacks keeps the failure', async () => {
    const response = await postChat(proxy.url, { model: 'slow', messages, mock_testing_fallbacks: true, disable_fallbacks: true });
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('mock_testing_fallbacks');
  });

  it('fallbacks given in the body replace the router list', async () => {
    const response = await postChat(proxy.url, { model: 'hang', messages, timeout: 5, stream: true, stream_timeout: 0.1, fallbacks: ['fast'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-model-id')).toBe('fast-1');
  });

  it('mock_timeout makes the requested group hang, so its timeout fires', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages, mock_timeout: true, timeout: 0.2 });
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('deadline_exceeded');
  });
});

describe('timeout headers', () => {
  it('x-litellm-timeout sets the call deadline', async () => {
    const response = await postChat(proxy.url, { model: 'hang', messages }, { 'x-litellm-timeout': '0.2' });
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('deadline_exceeded');
    expect(response.headers.get('x-litellm-timeout')).toBe('0.2');
  });

  it('the smaller timeout wins when both the body and x-litellm-timeout set one', async () => {
    const headerSmaller = await postChat(proxy.url, { model: 'fast', messages, timeout: 30 }, { 'x-litellm-timeout': '0.7' });
    expect(headerSmaller.headers.get('x-litellm-timeout')).toBe('0.7');
    const bodySmaller = await postChat(proxy.url, { model: 'fast', messages, timeout: 0.7 }, { 'x-litellm-timeout': '30' });
    expect(bodySmaller.headers.get('x-litellm-timeout')).toBe('0.7');
  });

  it('x-litellm-stream-timeout sets stream_timeout, the smaller one winning over the body', async () => {
    // With the header ignored, the body's 30 s stream_timeout would lose to the 2 s deadline instead.
    const response = await postChat(
      proxy.url,
      { model: 'hang', messages, stream: true, stream_timeout: 30, timeout: 2 },
      { 'x-litellm-stream-timeout': '0.1' },
    );
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('first_chunk_timeout');
  });

  it('the body stream_timeout wins when it is the smaller one', async () => {
    const response = await postChat(
      proxy.url,
      { model: 'hang', messages, stream: true, stream_timeout: 0.1, timeout: 2 },
      { 'x-litellm-stream-timeout': '30' },
    );
    expect(response.status).toBe(408);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('first_chunk_timeout');
  });

  it('rejects a timeout header that is not a positive number with 400 naming the header', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages }, { 'x-litellm-timeout': 'soon' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('x-litellm-timeout');
  });
});

describe('GET /v1/models', () => {
  it('lists the model groups in OpenAI list format', async () => {
    for (const path of ['/v1/models', '/models']) {
      const response = await fetch(`${proxy.url}${path}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { object: string; data: { id: string; object: string; owned_by: string; created: number }[] };
      expect(body.object).toBe('list');
      expect(body.data.map((model) => model.id)).toEqual(['fast', 'slow', 'hang']);
      expect(body.data[0]).toEqual({ id: 'fast', object: 'model', owned_by: 'rxllm', created: expect.any(Number) });
    }
  });
});

describe('health probes', () => {
  it('answers liveliness and readiness', async () => {
    const live = await fetch(`${proxy.url}/health/liveliness`);
    expect(live.status).toBe(200);
    expect(await live.json()).toBe("I'm alive!");
    const ready = await fetch(`${proxy.url}/health/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'healthy' });
  });
});
