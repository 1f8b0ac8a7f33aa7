import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { waitUntil } from '../support/wait-until.js';
import { scriptedProvider } from './scripted-provider.js';
import { messages, openRequest, postChat, readAll, sseData, startTestProxy } from './test-proxy.js';

const config: RouterConfig = {
  model_list: [
    { model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'done at last' }, model_info: { id: 'fast-1' } },
    // Answers after about 0.3 s: its stream_timeout fires, then the fallback answers.
    { model_name: 'slow', litellm_params: { model: 'openai/slow', mock_timeout: true, stream_timeout: 0.3, num_retries: 0 } },
    { model_name: 'never', litellm_params: { model: 'openai/never' } },
    { model_name: 'endless', litellm_params: { model: 'openai/endless' } },
  ],
  fallbacks: [{ slow: ['fast'] }],
  num_retries: 0,
};

describe('close(): graceful shutdown', () => {
  it('refuses new calls with 503 while an in-flight stream finishes, then closes', async () => {
    const proxy = await startTestProxy(config, { drainTimeoutMs: 10_000 });
    const inFlight = openRequest(proxy.url, '/v1/chat/completions', { model: 'slow', messages, stream: true });
    await waitUntil(() => proxy.proxy.inFlight === 1, 5_000, 'the call to be in flight');

    let closed = false;
    const closing = proxy.proxy.close().then(() => {
      closed = true;
    });

    const refused = await postChat(proxy.url, { model: 'fast', messages });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
    const readiness = await fetch(`${proxy.url}/health/readiness`);
    expect(readiness.status).toBe(503);
    expect(closed).toBe(false);

    const response = await inFlight.response;
    expect(response.statusCode).toBe(200);
    const events = sseData(await readAll(response));
    expect(events.at(-1)).toBe('[DONE]');
    await closing;
    expect(proxy.proxy.server.listening).toBe(false);
    await proxy.router.close();
  });

  it('closes at once when nothing is in flight', async () => {
    const proxy = await startTestProxy(config, { drainTimeoutMs: 10_000 });
    expect((await postChat(proxy.url, { model: 'fast', messages })).status).toBe(200);
    const started = Date.now();
    await proxy.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(proxy.proxy.server.listening).toBe(false);
  });

  it('aborts calls still running after the drain timeout: 503 before the first chunk', async () => {
    const scripted = scriptedProvider();
    const proxy = await startTestProxy(config, { drainTimeoutMs: 200, provider: scripted.provider });
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'never', messages });
    await waitUntil(() => scripted.calls.length === 1, 5_000, 'the call to start');
    await proxy.close();
    const response = await request.response;
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(await readAll(response))).toMatchObject({ error: { code: 'shutting_down', type: 'server_error' } });
    expect(scripted.calls[0]?.unsubscribed).toBe(true);
  });

  it('aborts calls still running after the drain timeout: an SSE error event after it, no [DONE]', async () => {
    const scripted = scriptedProvider();
    const proxy = await startTestProxy(config, { drainTimeoutMs: 200, provider: scripted.provider });
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'endless', messages, stream: true });
    const response = await request.response;
    const body = readAll(response);
    await proxy.close();
    const events = sseData(await body);
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1) as string)).toMatchObject({ error: { code: 'shutting_down' } });
    expect(scripted.calls[0]?.unsubscribed).toBe(true);
  });

  it('abortInFlight() ends the drain early', async () => {
    const scripted = scriptedProvider();
    const proxy = await startTestProxy(config, { drainTimeoutMs: 60_000, provider: scripted.provider });
    const request = openRequest(proxy.url, '/v1/chat/completions', { model: 'never', messages });
    await waitUntil(() => scripted.calls.length === 1, 5_000, 'the call to start');
    const closing = proxy.proxy.close();
    proxy.proxy.abortInFlight();
    await closing;
    expect((await request.response).statusCode).toBe(503);
  });
});
