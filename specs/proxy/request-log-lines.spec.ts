import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { waitUntil } from '../support/wait-until.js';
import { scriptedProvider } from './scripted-provider.js';
import { messages, openRequest, parseLogfmt, readAll, sseData, startTestProxy, type TestProxy } from './test-proxy.js';

// A call cut after it committed (by the drain, a second signal, or the client) is logged with the
// deployment that answered and the attempts, retries and fallbacks it took to get there.

const config: RouterConfig = {
  model_list: [
    { model_name: 'endless', litellm_params: { model: 'openai/endless' }, model_info: { id: 'endless-1' } },
    // Never answers: its stream_timeout fires, and the call falls back to endless.
    { model_name: 'stuck', litellm_params: { model: 'openai/never', stream_timeout: 0.1 }, model_info: { id: 'stuck-1' } },
  ],
  fallbacks: [{ stuck: ['endless'] }],
  num_retries: 0,
};

async function start(drainTimeoutMs: number): Promise<TestProxy> {
  return startTestProxy(config, { drainTimeoutMs, provider: scriptedProvider().provider });
}

/** Opens a stream and waits for its first chunk: the call has committed. */
async function committedStream(proxy: TestProxy, model: string) {
  const request = openRequest(proxy.url, '/v1/chat/completions', { model, messages, stream: true });
  const response = await request.response;
  expect(response.statusCode).toBe(200);
  const body = readAll(response);
  await waitUntil(() => proxy.proxy.inFlight === 1, 5_000, 'the call to be in flight');
  return { request, response, body };
}

async function logLine(proxy: TestProxy): Promise<Record<string, string>> {
  await waitUntil(() => proxy.lines.length === 1, 5_000, 'the request log line');
  return parseLogfmt(proxy.lines[0] as string);
}

describe('the log line of a committed stream cut short', () => {
  it('by the drain timeout: the deployment and its counts, not the abort error’s empty ones', async () => {
    const proxy = await start(200);
    const { body } = await committedStream(proxy, 'endless');
    await proxy.close();
    const events = sseData(await body);
    expect(JSON.parse(events.at(-1) as string)).toMatchObject({ error: { code: 'shutting_down' } });
    expect(await logLine(proxy)).toMatchObject({
      status: '200',
      deployment: 'endless-1',
      attempts: '1',
      retries: '0',
      fallbacks: '0',
      error: 'shutting_down',
    });
  });

  it('by a second signal (abortInFlight), after a fallback', async () => {
    const proxy = await start(60_000);
    const { body } = await committedStream(proxy, 'stuck');
    const closing = proxy.proxy.close();
    proxy.proxy.abortInFlight();
    await closing;
    const last = JSON.parse(sseData(await body).at(-1) as string) as { error: { code: string; message: string } };
    expect(last.error.code).toBe('shutting_down');
    expect(last.error.message).not.toContain('30 s');
    expect(last.error.message).not.toContain('60 s');
    expect(await logLine(proxy)).toMatchObject({
      status: '200',
      deployment: 'endless-1',
      attempts: '2',
      retries: '0',
      fallbacks: '1',
      error: 'shutting_down',
    });
  });

  it('by the client leaving, after a fallback', async () => {
    const proxy = await start(1_000);
    const { request, body } = await committedStream(proxy, 'stuck');
    body.catch(() => {}); // destroyed on purpose
    request.destroy();
    expect(await logLine(proxy)).toMatchObject({
      status: '200',
      client_closed: 'true',
      deployment: 'endless-1',
      attempts: '2',
      retries: '0',
      fallbacks: '1',
    });
    await proxy.close();
  });
});

describe('the message of a call aborted by the drain', () => {
  it('names the drain timeout when it ran out', async () => {
    const proxy = await start(200);
    const { body } = await committedStream(proxy, 'endless');
    await proxy.close();
    const last = JSON.parse(sseData(await body).at(-1) as string) as { error: { message: string } };
    expect(last.error.message).toBe('rxllm shut down before this call finished (in-flight calls get 0.2 s)');
  });

  it('says the drain was cut short when abortInFlight() ended it', async () => {
    const proxy = await start(60_000);
    const { body } = await committedStream(proxy, 'endless');
    const closing = proxy.proxy.close();
    proxy.proxy.abortInFlight();
    await closing;
    const last = JSON.parse(sseData(await body).at(-1) as string) as { error: { message: string } };
    expect(last.error.message).toBe('rxllm shut down before this call finished (the drain was cut short by a second stop signal)');
  });
});
