import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { waitUntil } from '../support/wait-until.js';
import { settle, watchUnhandledErrors, type UnhandledErrorWatch } from '../support/watch-unhandled-errors.js';
import { scriptedProvider, type ScriptedCall } from './scripted-provider.js';
import { messages, openRequest, parseLogfmt, postChat, readAll, sseData, startTestProxy, type TestProxy } from './test-proxy.js';

const config: RouterConfig = {
  model_list: [
    { model_name: 'partial', litellm_params: { model: 'openai/partial' }, model_info: { id: 'partial-1' } },
    { model_name: 'endless', litellm_params: { model: 'openai/endless' }, model_info: { id: 'endless-1' } },
    { model_name: 'never', litellm_params: { model: 'openai/never' }, model_info: { id: 'never-1' } },
    { model_name: 'limited', litellm_params: { model: 'openai/limited' }, model_info: { id: 'limited-1' } },
  ],
  num_retries: 0,
};

let proxy: TestProxy;
let unhandled: UnhandledErrorWatch;
let calls: ScriptedCall[];

beforeEach(async () => {
  unhandled = watchUnhandledErrors();
  const scripted = scriptedProvider();
  calls = scripted.calls;
  proxy = await startTestProxy(config, { provider: scripted.provider });
});

afterEach(async () => {
  await proxy.close();
  await settle();
  unhandled.stop();
  expect(unhandled.errors).toEqual([]);
});

describe('a stream that fails after its first chunk', () => {
  it('ends with one SSE error event and no [DONE]', async () => {
    const response = await postChat(proxy.url, { model: 'partial', messages, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-model-id')).toBe('partial-1');
    const events = sseData(await response.text());
    expect(events).not.toContain('[DONE]');
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[0] as string)).toMatchObject({ choices: [{ delta: { content: 'Hello' } }] });
    expect(JSON.parse(events[1] as string)).toEqual({
      error: { message: 'the upstream broke mid-stream', type: 'server_error', param: null, code: 'upstream_broke' },
    });
  });

  it('keeps serving afterwards', async () => {
    await (await postChat(proxy.url, { model: 'partial', messages, stream: true })).text();
    const response = await postChat(proxy.url, { model: 'partial', messages, mock_response: 'still here' });
    expect(response.status).toBe(200);
  });
});

describe('a client that disconnects', () => {
  it('mid-stream: unsubscribes the call at once, aborting the upstream request', async () => {
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'endless', messages, stream: true });
    const response = await request.response;
    expect(response.statusCode).toBe(200);
    await new Promise((resolve) => response.once('data', resolve));
    expect(calls[0]?.unsubscribed).toBe(false);
    request.destroy();
    await waitUntil(() => calls[0]?.unsubscribed === true, 5_000, 'the call to be unsubscribed');
    await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
    expect(parseLogfmt(proxy.lines[0] as string)).toMatchObject({ status: '200', client_closed: 'true', deployment: 'endless-1' });
    expect(proxy.proxy.inFlight).toBe(0);
  });

  it('before the answer: unsubscribes the call, and logs 499', async () => {
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'never', messages });
    request.response.catch(() => {}); // destroyed on purpose
    await waitUntil(() => calls.length === 1, 5_000, 'the call to start');
    request.destroy();
    await waitUntil(() => calls[0]?.unsubscribed === true, 5_000, 'the call to be unsubscribed');
    await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
    expect(parseLogfmt(proxy.lines[0] as string)).toMatchObject({ status: '499', client_closed: 'true', model: 'never' });
  });
});

describe('429 errors', () => {
  it('carry Retry-After in whole seconds, rounded up', async () => {
    const response = await postChat(proxy.url, { model: 'limited', messages });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
  });

  it('carry Retry-After on a stream that failed before its first chunk', async () => {
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'limited', messages, stream: true });
    const response = await request.response;
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('2');
    expect(JSON.parse(await readAll(response))).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
  });
});
