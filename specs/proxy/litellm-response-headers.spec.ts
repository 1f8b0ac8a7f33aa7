import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { waitUntil } from '../support/wait-until.js';
import { messages, openRequest, postChat, readAll, startTestProxy, type TestProxy } from './test-proxy.js';

// Every chat-route response carries x-litellm-attempted-retries, x-litellm-attempted-fallbacks and
// x-litellm-timeout (the call's effective deadline), errors included, even those answered before the
// router saw the call; x-litellm-model-id only when a deployment was tried.

const masterKey = 'sk-master-spec-1';
const limitBytes = 1024;
let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy;

function config(apiBase: string): RouterConfig {
  return {
    model_list: [
      { model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'ok' }, model_info: { id: 'fast-1' } },
      { model_name: 'hang', litellm_params: { model: 'openai/hang', mock_timeout: true }, model_info: { id: 'hang-1' } },
      {
        model_name: 'empty',
        litellm_params: { model: 'openai/gpt-empty', api_base: apiBase, api_key: 'sk-upstream' },
        model_info: { id: 'empty-1' },
      },
    ],
    timeout: 45,
    num_retries: 0,
  };
}

beforeEach(async () => {
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(config(upstream.apiBase), {
    masterKey,
    maxRequestSizeBytes: limitBytes,
    provider: createOpenAICompatibleProvider({ dispatcher: agent }),
  });
});

afterEach(async () => {
  await proxy.close();
  await agent.destroy();
  await upstream.close();
});

const auth = { authorization: `Bearer ${masterKey}` };

function litellmHeaders(headers: Headers | IncomingMessage['headers']): Record<string, string | undefined> {
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    'x-litellm-model-id': get('x-litellm-model-id'),
    'x-litellm-attempted-retries': get('x-litellm-attempted-retries'),
    'x-litellm-attempted-fallbacks': get('x-litellm-attempted-fallbacks'),
    'x-litellm-timeout': get('x-litellm-timeout'),
  };
}

/** What a chat response no deployment was tried for carries. */
function untried(timeout: string): Record<string, string | undefined> {
  return {
    'x-litellm-model-id': undefined,
    'x-litellm-attempted-retries': '0',
    'x-litellm-attempted-fallbacks': '0',
    'x-litellm-timeout': timeout,
  };
}

describe('x-litellm-* headers on chat responses answered before the router', () => {
  it('invalid JSON (400): the router default, or the x-litellm-timeout header when readable', async () => {
    const bad = await postChat(proxy.url, '{"model": ', auth);
    expect(bad.status).toBe(400);
    expect(litellmHeaders(bad.headers)).toEqual(untried('45'));

    const withHeader = await postChat(proxy.url, '{"model": ', { ...auth, 'x-litellm-timeout': '7' });
    expect(withHeader.status).toBe(400);
    expect(litellmHeaders(withHeader.headers)).toEqual(untried('7'));
  });

  it('a body that is not an object (400)', async () => {
    const response = await postChat(proxy.url, '[1]', auth);
    expect(response.status).toBe(400);
    expect(litellmHeaders(response.headers)).toEqual(untried('45'));
  });

  it('a bad x-litellm-timeout header (400): the body timeout when valid, else the router default', async () => {
    const bad = await postChat(proxy.url, { model: 'fast', messages }, { ...auth, 'x-litellm-timeout': 'abc' });
    expect(bad.status).toBe(400);
    expect(litellmHeaders(bad.headers)).toEqual(untried('45'));

    const withBody = await postChat(proxy.url, { model: 'fast', messages, timeout: 12 }, { ...auth, 'x-litellm-timeout': 'abc' });
    expect(withBody.status).toBe(400);
    expect(litellmHeaders(withBody.headers)).toEqual(untried('12'));

    const badStream = await postChat(proxy.url, { model: 'fast', messages }, { ...auth, 'x-litellm-timeout': '3', 'x-litellm-stream-timeout': 'x' });
    expect(badStream.status).toBe(400);
    expect(litellmHeaders(badStream.headers)).toEqual(untried('3'));
  });

  it('a body too large (413)', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages, padding: 'x'.repeat(limitBytes) }, { ...auth, 'x-litellm-timeout': '5' });
    expect(response.status).toBe(413);
    expect(litellmHeaders(response.headers)).toEqual(untried('5'));
  });

  it('a missing or wrong key (401)', async () => {
    const missing = await postChat(proxy.url, { model: 'fast', messages });
    expect(missing.status).toBe(401);
    expect(litellmHeaders(missing.headers)).toEqual(untried('45'));
    const wrong = await postChat(proxy.url, { model: 'fast', messages }, { authorization: 'Bearer sk-wrong', 'x-litellm-timeout': '2.5' });
    expect(wrong.status).toBe(401);
    expect(litellmHeaders(wrong.headers)).toEqual(untried('2.5'));
  });

  it('a wrong method on the chat route (405)', async () => {
    const response = await fetch(`${proxy.url}/v1/chat/completions`, { headers: auth });
    expect(response.status).toBe(405);
    expect(litellmHeaders(response.headers)).toEqual(untried('45'));
  });

  it('a new call while shutting down (503)', async () => {
    const inFlight = openRequest(proxy.url, '/v1/chat/completions', { model: 'hang', messages }, auth);
    // In flight before the drain starts (a fixed sleep raced a loaded machine: the drain found nothing to wait for).
    await waitUntil(() => proxy.proxy.inFlight === 1, 5_000, 'the call in flight');
    const closing = proxy.proxy.close();
    const refused = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        agent: false,
      });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(JSON.stringify({ model: 'fast', messages }));
    });
    expect(refused.statusCode).toBe(503);
    expect(litellmHeaders(refused.headers)).toEqual(untried('45'));
    await readAll(refused);
    // The in-flight call is aborted at the end of the drain. It had not committed, so the proxy does
    // not know which deployment its attempt was at.
    const aborted = await inFlight.response;
    expect(aborted.statusCode).toBe(503);
    expect(litellmHeaders(aborted.headers)).toEqual(untried('45'));
    await readAll(aborted);
    await closing;
  });

  it('a call still sending its body when the drain runs out (503)', async () => {
    const req = httpRequest(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'x-litellm-timeout': '4', ...auth },
      agent: false,
    });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    req.write('{"model": "fast", ');
    await waitUntil(() => proxy.proxy.inFlight === 1, 5_000, 'the call in flight');
    const closing = proxy.proxy.close();
    const aborted = await response;
    expect(aborted.statusCode).toBe(503);
    expect(litellmHeaders(aborted.headers)).toEqual(untried('4'));
    await readAll(aborted);
    req.destroy();
    await closing;
  });

  it('other routes carry none', async () => {
    const models = await fetch(`${proxy.url}/v1/models`, { headers: auth });
    expect(models.status).toBe(200);
    expect(models.headers.get('x-litellm-timeout')).toBeNull();
  });
});

describe('x-litellm-* headers on chat responses the router answered', () => {
  it('a request the router rejects (400, 404) names no deployment', async () => {
    const invalid = await postChat(proxy.url, { model: 'fast', messages: 'hi', timeout: 9 }, auth);
    expect(invalid.status).toBe(400);
    expect(litellmHeaders(invalid.headers)).toEqual(untried('9'));
    const unknown = await postChat(proxy.url, { model: 'nope', messages }, auth);
    expect(unknown.status).toBe(404);
    expect(litellmHeaders(unknown.headers)).toEqual(untried('45'));
  });

  it('an answer names its deployment', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages }, { ...auth, 'x-litellm-timeout': '8' });
    expect(response.status).toBe(200);
    expect(litellmHeaders(response.headers)).toEqual({ ...untried('8'), 'x-litellm-model-id': 'fast-1' });
  });

  it('an upstream stream of nothing but [DONE]: 200 text/event-stream with the headers', async () => {
    upstream.behave('gpt-empty', { kind: 'raw', pieces: ['data: [DONE]\n\n'] });
    const response = await postChat(proxy.url, { model: 'empty', messages, stream: true }, auth);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(litellmHeaders(response.headers)).toEqual({ ...untried('45'), 'x-litellm-model-id': 'empty-1' });
    expect(await response.text()).toBe('data: [DONE]\n\n');
  });
});
