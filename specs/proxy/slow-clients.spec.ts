import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createProxyServer } from '../../src/proxy/create-proxy-server.js';
import { Router } from '../../src/router/router.js';
import { waitUntil } from '../support/wait-until.js';
import { messages, parseLogfmt, postChat, startTestProxy, type TestProxy } from './test-proxy.js';

const config: RouterConfig = {
  model_list: [
    { model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'ok' } },
    // Never answers: its stream_timeout fires after 0.4 s, then the fallback answers.
    { model_name: 'slow', litellm_params: { model: 'openai/slow', mock_timeout: true, stream_timeout: 0.4, num_retries: 0 } },
  ],
  fallbacks: [{ slow: ['fast'] }],
  num_retries: 0,
};

// Short limits so that the specs run quickly; the bounds they wait with are generous.
const headersTimeoutMs = 200;
const requestTimeoutMs = 400;

let proxy: TestProxy;

afterEach(async () => {
  await proxy.close();
});

/** A raw TCP client: what it received, and whether the server closed the connection. */
interface RawClient {
  readonly socket: Socket;
  received(): string;
  readonly closed: Promise<void>;
  /** Writes one piece of `text` every `everyMs` until it has all gone or the connection closed. */
  trickle(text: string, everyMs: number): void;
}

function rawClient(port: number): RawClient {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  let timer: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (piece: string) => {
    text += piece;
  });
  // The server may reset a connection it cut: that is a close too.
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => clearInterval(timer));
  return {
    socket,
    received: () => text,
    closed,
    trickle(rest, everyMs) {
      let index = 0;
      timer = setInterval(() => {
        if (index >= rest.length || socket.destroyed) return clearInterval(timer);
        socket.write(rest.slice(index, index + 1));
        index += 1;
      }, everyMs);
    },
  };
}

/** Resolves when `promise` does, or fails the spec after `ms` (a generous bound, never a speed figure). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The status and JSON body of a raw HTTP/1.1 response. */
function parseRaw(text: string): { status: number; headers: string; body: unknown } {
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(text.slice(end + 4)) };
}

const chatBody = JSON.stringify({ model: 'fast', messages });

describe('slow clients are cut by the server', () => {
  it('headers never finished: 408 with an OpenAI error body, the connection closed, and no call slot held', async () => {
    proxy = await startTestProxy(config, { headersTimeoutMs, requestTimeoutMs });
    const slow = rawClient(proxy.port);
    slow.socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n');
    slow.trickle('x-slow: 1234567890abcdefghijklmnopqrstuvwxyz1234567890abcdefghijklmnopqrstuvwxyz\r\n', 20);

    // Served meanwhile.
    expect((await postChat(proxy.url, { model: 'fast', messages })).status).toBe(200);

    await within(slow.closed, 5_000, 'the server closing the slow connection');
    const answer = parseRaw(slow.received());
    expect(answer.status).toBe(408);
    expect(answer.headers).toContain('connection: close');
    expect(answer.body).toEqual({
      error: { message: expect.stringContaining('headers within 0.2 s'), type: 'timeout_error', param: null, code: 'request_receive_timeout' },
    });
    expect(proxy.proxy.inFlight).toBe(0);
    expect(proxy.lines.map(parseLogfmt)).toContainEqual(expect.objectContaining({ msg: 'client_error', status: '408', error: 'request_receive_timeout' }));
  });

  it('a connection that sends nothing at all is closed too', async () => {
    proxy = await startTestProxy(config, { headersTimeoutMs, requestTimeoutMs });
    const silent = rawClient(proxy.port);
    silent.socket.write('P');
    await within(silent.closed, 5_000, 'the server closing the silent connection');
    expect(parseRaw(silent.received()).status).toBe(408);
  });

  it('a body trickled byte by byte: 408 through its own response, logged, and the call slot freed', async () => {
    proxy = await startTestProxy(config, { headersTimeoutMs, requestTimeoutMs });
    const slow = rawClient(proxy.port);
    slow.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${chatBody.length}\r\n\r\n`);
    slow.trickle(chatBody, 20);
    await waitUntil(() => proxy.proxy.inFlight === 1, 5_000, 'the slow request to be in flight');

    expect((await postChat(proxy.url, { model: 'fast', messages })).status).toBe(200);

    await within(slow.closed, 5_000, 'the server closing the slow connection');
    const answer = parseRaw(slow.received());
    expect(answer.status).toBe(408);
    expect(answer.headers).toContain('x-litellm-attempted-retries: 0');
    expect(answer.body).toMatchObject({ error: { type: 'timeout_error', code: 'request_receive_timeout', param: null } });
    await waitUntil(() => proxy.proxy.inFlight === 0, 5_000, 'the call slot to be freed');
    const logged = proxy.lines.map(parseLogfmt).find((line) => line['msg'] === 'request' && line['status'] === '408');
    expect(logged).toMatchObject({ method: 'POST', path: '/v1/chat/completions', error: 'request_receive_timeout' });
  });

  it('headers sent, then a chunked body that never ends: cut the same way', async () => {
    proxy = await startTestProxy(config, { headersTimeoutMs, requestTimeoutMs });
    const slow = rawClient(proxy.port);
    slow.socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"mod\r\n');
    await waitUntil(() => proxy.proxy.inFlight === 1, 5_000, 'the slow request to be in flight');
    await within(slow.closed, 5_000, 'the server closing the slow connection');
    expect(parseRaw(slow.received()).status).toBe(408);
    await waitUntil(() => proxy.proxy.inFlight === 0, 5_000, 'the call slot to be freed');
  });

  it('never cuts a call that takes longer than requestTimeout once its body is in', async () => {
    proxy = await startTestProxy(config, { headersTimeoutMs: 100, requestTimeoutMs: 100 });
    const response = await postChat(proxy.url, { model: 'slow', messages, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    expect(await response.text()).toContain('data: [DONE]');
  });

  it('a malformed request line gets a 400 with an OpenAI error body, and the server keeps serving', async () => {
    proxy = await startTestProxy(config, { headersTimeoutMs, requestTimeoutMs });
    const bad = rawClient(proxy.port);
    bad.socket.write('BR@KEN / HTTP/1.1\r\nhost: x\r\n\r\n');
    await within(bad.closed, 5_000, 'the server closing the connection');
    const answer = parseRaw(bad.received());
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { type: 'invalid_request_error', code: 'malformed_http_request', param: null } });
    expect((await postChat(proxy.url, { model: 'fast', messages })).status).toBe(200);
  });
});

describe('createProxyServer: the receive limits', () => {
  const router = () => new Router(config, { env: {} });

  it.each<[string, Record<string, number>, string]>([
    ['a fraction', { headersTimeoutMs: 0.5 }, 'headersTimeoutMs must be a whole number ≥ 0, got 0.5'],
    ['a negative limit', { requestTimeoutMs: -1 }, 'requestTimeoutMs must be a whole number ≥ 0, got -1'],
    ['a limit no timer can wait', { headersTimeoutMs: 2 ** 31, requestTimeoutMs: 0 }, 'headersTimeoutMs must be at most 2147483647 ms'],
    ['headers longer than the whole request', { headersTimeoutMs: 500, requestTimeoutMs: 200 }, 'headersTimeoutMs must be at most requestTimeoutMs (200), got 500'],
  ])('rejects %s when the server is created', async (_, limits, message) => {
    const r = router();
    expect(() => createProxyServer({ router: r, ...limits })).toThrow(message);
    await r.close();
  });

  it('defaults to 30 s for the headers and 300 s for the whole request', async () => {
    const r = router();
    const { server } = createProxyServer({ router: r });
    expect([server.headersTimeout, server.requestTimeout]).toEqual([30_000, 300_000]);
    await r.close();
  });

  it('takes 0 as no limit', async () => {
    const r = router();
    const { server } = createProxyServer({ router: r, headersTimeoutMs: 0, requestTimeoutMs: 0 });
    expect([server.headersTimeout, server.requestTimeout]).toEqual([0, 0]);
    await r.close();
  });
});
