import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { messages, parseLogfmt, postChat, readAll, startTestProxy, type TestProxy } from './test-proxy.js';

const config: RouterConfig = {
  model_list: [{ model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'ok' } }],
};

const limitBytes = 1024;
let proxy: TestProxy;

beforeEach(async () => {
  proxy = await startTestProxy(config, { maxRequestSizeBytes: limitBytes });
});

afterEach(async () => {
  await proxy.close();
});

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

async function expectError(response: Response, status: number, fields: Partial<ErrorBody['error']>): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/json');
  const body = (await response.json()) as ErrorBody;
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error).toMatchObject(fields);
}

async function stillServes(): Promise<void> {
  const response = await postChat(proxy.url, { model: 'fast', messages });
  expect(response.status).toBe(200);
}

describe('bad input gets an OpenAI-style error and the server keeps serving', () => {
  it('invalid JSON: 400', async () => {
    await expectError(await postChat(proxy.url, '{"model": "fast", '), 400, { type: 'invalid_request_error', code: 'invalid_json', param: null });
    await stillServes();
  });

  it('a body that is not a JSON object: 400', async () => {
    await expectError(await postChat(proxy.url, '[1, 2]'), 400, { type: 'invalid_request_error' });
    await expectError(await postChat(proxy.url, ''), 400, { code: 'invalid_json' });
    await stillServes();
  });

  it('wrong types: 400 with param', async () => {
    await expectError(await postChat(proxy.url, { model: 'fast', messages: 'hello' }), 400, { type: 'invalid_request_error', param: 'messages' });
    await expectError(await postChat(proxy.url, { model: 42, messages }), 400, { param: 'model' });
    await expectError(await postChat(proxy.url, { model: 'fast', messages, timeout: 'soon' }), 400, { param: 'timeout' });
    await stillServes();
  });

  it('a timeout header longer than the longest timer (2147483 s): 400 naming the header', async () => {
    for (const header of ['x-litellm-timeout', 'x-litellm-stream-timeout']) {
      await expectError(await postChat(proxy.url, { model: 'fast', messages, stream: true }, { [header]: '2147484' }), 400, {
        type: 'invalid_request_error',
        param: header,
      });
    }
    await stillServes();
  });

  // Found by specs/proxy/bad-input-fuzz.spec.ts: a body nested 5 000 levels deep parsed, then
  // overflowed the stack when serialised for the upstream: 500 "Maximum call stack size exceeded".
  // (The limit here is 1 KB, so the example is shallower; any depth past 128 is refused.)
  it('a body nested deeper than 128 levels: 400 naming the field, before any upstream call', async () => {
    const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
    await expectError(await postChat(proxy.url, `{"model": "fast", "messages": [{"role": "user", "content": ${deep}}]}`), 400, {
      type: 'invalid_request_error',
      code: 'invalid_request',
      param: 'messages',
      message: 'invalid request: messages: nested more than 128 levels deep',
    });
    await stillServes();
  });

  it('an unknown model: 404 model_not_found', async () => {
    await expectError(await postChat(proxy.url, { model: 'gpt-5-ultra', messages }), 404, {
      type: 'not_found_error',
      code: 'model_not_found',
      param: 'model',
    });
    await stillServes();
  });

  it('a body over the size limit, by content-length: 413 before reading it', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages, padding: 'x'.repeat(limitBytes) });
    await expectError(response, 413, { type: 'invalid_request_error', code: 'request_too_large' });
    await stillServes();
  });

  it('a chunked body that grows over the size limit: 413 without waiting for its end', async () => {
    const req = httpRequest(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      agent: false,
    });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    req.write(`{"model": "fast", "padding": "${'x'.repeat(limitBytes)}`);
    // The request is never ended: the answer must come anyway.
    const answer = await response;
    expect(answer.statusCode).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(await readAll(answer))).toMatchObject({ error: { code: 'request_too_large' } });
    req.destroy();
    await stillServes();
  });

  it('an unknown route: 404', async () => {
    await expectError(await fetch(`${proxy.url}/v1/audio/speech`, { method: 'POST', body: '{}' }), 404, { type: 'not_found_error' });
    await expectError(await fetch(`${proxy.url}/`), 404, { type: 'not_found_error' });
    await stillServes();
  });

  it('a wrong method: 405 with Allow', async () => {
    const get = await fetch(`${proxy.url}/v1/chat/completions`);
    expect(get.headers.get('allow')).toBe('POST');
    await expectError(get, 405, { code: 'method_not_allowed' });
    const post = await fetch(`${proxy.url}/v1/models`, { method: 'POST', body: '{}' });
    expect(post.headers.get('allow')).toBe('GET');
    await expectError(post, 405, { code: 'method_not_allowed' });
    await stillServes();
  });

  // Found by specs/proxy/bad-input-fuzz.spec.ts: Node hands CONNECT to a 'connect' listener and,
  // with none, closed the connection without an answer.
  it('CONNECT: 405 with an OpenAI error body, then the connection closes', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (piece: string) => {
      text += piece;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('CONNECT api.openai.com:443 HTTP/1.1\r\nhost: api.openai.com:443\r\n\r\n');
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { message: expect.stringContaining('CONNECT is not allowed'), type: 'invalid_request_error', param: null, code: 'method_not_allowed' },
    });
    expect(parseLogfmt(proxy.lines.at(-1) as string)).toMatchObject({ method: 'CONNECT', status: '405', error: 'method_not_allowed' });
    await stillServes();
  });

  it('a request answered at once, followed on its connection by bytes that do not parse: the answer still arrives whole', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (piece: string) => {
      text += piece;
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /health/liveliness HTTP/1.1\r\nhost: x\r\n\r\nBR@KEN / HTTP/1.1\r\nhost: x\r\n\r\n');
    await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith(`\r\n\r\n${JSON.stringify("I'm alive!")}`)).toBe(true);
    await stillServes();
  });

  it('logs each bad request with its status and error code', async () => {
    await postChat(proxy.url, { model: 'gpt-5-ultra', messages });
    const line = parseLogfmt(proxy.lines.at(-1) as string);
    expect(line).toMatchObject({ msg: 'request', method: 'POST', status: '404', model: 'gpt-5-ultra', error: 'model_not_found' });
  });
});
