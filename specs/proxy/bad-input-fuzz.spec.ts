import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createProxyServer, type ProxyServer } from '../../src/proxy/create-proxy-server.js';
import { Router } from '../../src/router/router.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

// A fixed seed, as the Router properties use (specs/support/property-runs.ts): a run is reproducible,
// and FC_SEED=random explores (fast-check prints the seed of a failure).
const seed = process.env['FC_SEED'] === 'random' ? {} : { seed: Number(process.env['FC_SEED'] ?? 20_261_202) };
import { waitUntil } from '../support/wait-until.js';

// Property: whatever a client sends (body, headers, method, path), the proxy answers with a success
// or a 4xx carrying an OpenAI error body, within a bound, and never shows a key or a stack trace;
// and afterwards it still serves. The requests go to the real server on 127.0.0.1, over a mock
// deployment and one whose upstream is a fake OpenAI server on 127.0.0.1.

const masterKey = 'sk-master-fuzz-0123456789';
const upstreamKey = 'sk-upstream-fuzz-9876543210';
/** A password in a deployment's api_base (`GET /v1/model/info` shows the api_base, masked). */
const basePassword = 'sk-basepw-fuzz-5555';
/** What must never reach a client: the keys, and signs of a stack trace or of the source tree. */
const leaks = [masterKey, upstreamKey, basePassword, /\n\s+at /, /\bsrc\/[\w/-]+\.ts\b/, /node:internal/, /\.ts:\d+/];

let upstream: FakeUpstream;
let router: Router;
let proxy: ProxyServer;
let port: number;
const lines: string[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const config: RouterConfig = {
    model_list: [
      { model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'ok' } },
      { model_name: 'up', litellm_params: { model: 'openai/up', api_base: upstream.apiBase, api_key: upstreamKey }, model_info: { health_check_timeout: 2 } },
      { model_name: 'masked', litellm_params: { model: 'openai/masked', mock_response: 'ok', api_base: `http://fuzz:${basePassword}@127.0.0.1:9/v1?key=${basePassword}` } },
    ],
    num_retries: 0,
    // `hedge_after` in a request meets a group that hedges, and `max_hedges` one that may.
    model_group_hedging: { up: { hedge_after: 1, max_hedges: 1 } },
    // A request that asks for a long wait still ends well within the client's bound.
    timeout: 3,
  };
  router = new Router(config, { env: {} });
  // With /metrics on (`callbacks: ["prometheus"]`), open as LiteLLM's default has it.
  proxy = createProxyServer({ router, masterKey, maxRequestSizeBytes: 1024 * 1024, drainTimeoutMs: 1_000, log: (line) => lines.push(line), metrics: true });
  ({ port } = await proxy.listen(0, '127.0.0.1'));
});

afterAll(async () => {
  await proxy.close();
  await router.close();
  await upstream.close();
});

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  /** Sent without content-length, in two pieces. */
  readonly chunked: boolean;
}

interface Answer {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Generous: no input may make the proxy take longer than its own 3 s deadline plus this slack. */
const hangMs = 8_000;

/**
 * One request on a connection of its own. A client that breaks HTTP's framing (a TRACE with a body,
 * an upgrade with a body) gets its answer and then the connection closes, and a keep-alive agent
 * reusing it would race that close: with a connection each, a failure is about that request's answer.
 */
function send({ method, path, headers, body, chunked }: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${hangMs} ms`));
    }, hangMs);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Node's client hands the answer to a CONNECT to 'connect', with the rest of the bytes on the socket.
    req.once('connect', (res, socket, head) => {
      const pieces: Buffer[] = [head];
      socket.on('data', (piece: Buffer) => pieces.push(piece));
      socket.once('close', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: JSON.stringify(res.headers), body: Buffer.concat(pieces).toString('utf8') });
      });
    });
    req.once('response', (res) => {
      const pieces: Buffer[] = [];
      const done = (): void => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: JSON.stringify(res.headers), body: Buffer.concat(pieces).toString('utf8') });
      };
      // The live view's stream never ends by itself: its first frame (the fleet snapshot) is the answer.
      const endless = res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/event-stream') && path.startsWith('/v1/router/events');
      res.on('data', (piece: Buffer) => {
        pieces.push(piece);
        if (endless && Buffer.concat(pieces).includes('\n\n')) {
          done();
          req.destroy();
        }
      });
      res.once('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: JSON.stringify(res.headers), body: Buffer.concat(pieces).toString('utf8') });
      });
      res.once('error', reject);
    });
    if (body === undefined) return void req.end();
    if (!chunked) return void req.end(body);
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half));
    req.end(body.subarray(half));
  });
}

function expectOpenAIError(text: string): void {
  const body = JSON.parse(text) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof body.error['message']).toBe('string');
  expect(typeof body.error['type']).toBe('string');
  expect(typeof body.error['code']).toBe('string');
  expect(body.error['param'] === null || typeof body.error['param'] === 'string').toBe(true);
}

/** The property every answer must have. */
function expectWellFormed(sent: Sent, answer: Answer): void {
  expect(answer.status, `${sent.method} ${sent.path}: ${answer.body.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
  expect(answer.status, `${sent.method} ${sent.path}: ${answer.body.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.status).not.toBe(301);
  if (answer.status >= 400 && sent.method !== 'HEAD') {
    expect(answer.headers).toContain('"content-type":"application/json"');
    expectOpenAIError(answer.body);
  }
  if (answer.status === 200 && answer.headers.includes('text/event-stream')) {
    // A stream that failed after it began says so in an error event: never a server-side failure.
    for (const event of answer.body.split('\n\n')) {
      if (!event.startsWith('data: {"error"')) continue;
      const type = (JSON.parse(event.slice('data: '.length)) as { error: { type: string } }).error.type;
      expect(['server_error', 'api_connection_error']).not.toContain(type);
    }
  }
  for (const leak of leaks) {
    if (typeof leak === 'string') {
      expect(answer.headers).not.toContain(leak);
      expect(answer.body).not.toContain(leak);
    } else {
      expect(answer.headers).not.toMatch(leak);
      expect(answer.body).not.toMatch(leak);
    }
  }
}

// ---- bodies ----

/** A JSON text spliced in where a value goes (what JSON.stringify cannot write: 100 000 levels deep). */
class RawJson {
  constructor(readonly text: string) {}
}

const deletion = Symbol('delete');

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    deletion,
    null,
    -1,
    0,
    -0,
    1e308,
    -1e308,
    2 ** 53 + 1,
    2 ** 31,
    '',
    'x'.repeat(5_000),
    'true',
    true,
    false,
    [],
    {},
    [null],
    'wizard',
    'os.environ/OPENAI_API_KEY',
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('"\\ud800"'),
    new RawJson(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    new RawJson(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`),
  ),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 20 }),
  fc.double().map(String),
);

const requestKeys = [
  'model',
  'messages',
  'stream',
  'timeout',
  'stream_timeout',
  'stream_idle_timeout',
  'num_retries',
  'fallbacks',
  'disable_fallbacks',
  'cooldown_time',
  'role',
  'content',
  'temperature',
  'max_tokens',
  'n',
  'tools',
  'stream_options',
  'api_key',
  'api_base',
  'user',
  'metadata',
  'hedge_after',
  'max_hedges',
  '__proto__',
  'constructor',
  '',
];
// Not fuzzed: `mock_response`, `mock_timeout` and `mock_testing_fallbacks` are LiteLLM's switches for a
// client to ask for a failure (`mock_response: "litellm.InternalServerError"` is a 500 by request).

const validRequest = fc.record({
  model: fc.constantFrom('fast', 'up'),
  messages: fc.constant([
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ]),
  stream: fc.boolean(),
});

const bodyMutation = fc.record({ at: fc.nat(), key: fc.nat(), known: fc.boolean(), value: nastyValue });
type BodyMutation = typeof bodyMutation extends fc.Arbitrary<infer T> ? T : never;

function containers(value: unknown, out: object[] = []): object[] {
  if (typeof value !== 'object' || value === null) return out;
  out.push(value);
  for (const item of Object.values(value)) containers(item, out);
  return out;
}

/** `request` with the mutations applied (keys defined as own properties, so `__proto__` is a key). */
function mutatedBody(request: unknown, mutations: readonly BodyMutation[]): unknown {
  const root = structuredClone(request);
  const all = containers(root);
  for (const { at, key, known, value } of mutations) {
    const target = all[at % all.length] as Record<string | number, unknown>;
    const keys = Object.keys(target);
    const name = Array.isArray(target)
      ? key % (target.length + 1)
      : known || keys.length === 0
        ? (requestKeys[key % requestKeys.length] as string)
        : (keys[key % keys.length] as string);
    if (value === deletion) delete target[name];
    else Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

function serialise(body: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_, value: unknown) => {
    if (!(value instanceof RawJson)) return value;
    raws.push(value.text);
    return `\u0000raw${raws.length - 1}\u0000`;
  });
  return (text ?? '').replace(/"\\u0000raw(\d+)\\u0000"/g, (_, index: string) => raws[Number(index)] as string);
}

const byteEdit = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4, min: 0x80 }) }),
  fc.record({ kind: fc.constant('bom' as const) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
);
type ByteEdit = typeof byteEdit extends fc.Arbitrary<infer T> ? T : never;

function edited(bytes: Buffer, edits: readonly ByteEdit[]): Buffer {
  let out = bytes;
  for (const edit of edits) {
    const at = 'at' in edit ? edit.at % (out.length + 1) : 0;
    if (edit.kind === 'truncate') out = out.subarray(0, at);
    else if (edit.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from(edit.bytes), out.subarray(at)]);
    else if (edit.kind === 'bom') out = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), out]);
    else if (out.length > 0) {
      out = Buffer.from(out);
      out[at % out.length] = edit.byte;
    }
  }
  return out;
}

const body: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(validRequest, fc.array(bodyMutation, { maxLength: 4 })).map(([request, mutations]) => Buffer.from(serialise(mutatedBody(request, mutations)))) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validRequest, fc.array(byteEdit, { minLength: 1, maxLength: 3 }))
      .map(([request, edits]) => edited(Buffer.from(JSON.stringify(request)), edits)),
  },
  {
    // A field nested deep: parsed fine, then every recursive walk after the parse is at risk.
    weight: 1,
    arbitrary: fc
      .tuple(validRequest, fc.constantFrom('messages', 'tools', 'metadata', 'response_format'), fc.constantFrom(129, 2_000, 10_000, 100_000))
      .map(([request, field, depth]) => Buffer.from(serialise({ ...request, [field]: new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`) }))),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value) ?? '')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.constantFrom<Buffer | undefined>(undefined, Buffer.alloc(0), Buffer.from('\uFEFF'), Buffer.from('null')) },
);

// ---- headers, methods, paths ----

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 24 });

const seconds = fc.oneof(
  fc.constantFrom('0', '-1', 'abc', '1e400', 'NaN', 'Infinity', '-Infinity', '0.001', '2147483', '2147484', ' 5 ', '', '0x10', '1,5'),
  fc.double().map(String),
  headerText,
);

const callId = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(257), 'x'.repeat(10_000), '"quoted"', 'a\tb', '\u00e9t\u00e9', '../../etc/passwd', '%0d%0aset-cookie: a=b', '<script>'),
  headerText,
  fc.uuid(),
);

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${masterKey}`) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, 'Bearer', 'Bearer ', `bearer  ${masterKey}  `, `Basic ${masterKey}`, `Bearer ${masterKey}x`, 'Bearer sk-wrong') },
  { weight: 1, arbitrary: headerText },
);

const contentType = fc.oneof(
  fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''),
  headerText,
);

const headers = fc
  .record(
    {
      authorization,
      'content-type': contentType,
      'x-litellm-timeout': seconds,
      'x-litellm-stream-timeout': seconds,
      accept: fc.constantFrom('*/*', 'text/event-stream', 'application/json'),
      'accept-encoding': fc.constantFrom('gzip', 'br', 'identity'),
      expect: fc.constant('100-continue'),
      connection: fc.constantFrom('close', 'keep-alive', 'upgrade'),
      upgrade: fc.constantFrom('websocket', 'h2c'),
      'x-forwarded-for': headerText,
      'x-litellm-num-retries': seconds,
      'x-litellm-call-id': callId,
    },
    { requiredKeys: ['authorization'] },
  )
  .map((record) => Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined)));

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 3, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH', 'CONNECT', 'BREW', 'post', 'FOO') },
);

const path = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('/v1/chat/completions', '/chat/completions') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '/v1/models',
      '/models',
      '/v1/models/fast',
      '/models/masked',
      '/v1/models/%E0%A4%A',
      '/v1/models/',
      '/v1/model/info',
      '/model/info?litellm_model_id=masked/0',
      '/v1/model/info?litellm_model_id=%ZZ',
      '/health/liveliness',
      '/health/liveness',
      '/health/readiness',
      '/health',
      '/health?model=fast',
      '/health?model=up',
      '/health?model=nope',
      '/health?model_id=masked/0',
      '/metrics',
      '/metrics/',
      '/metrics?name[]=x',
      '/v1/router/events',
      '/v1/router/events?since=0',
      '/ui',
      '/ui/',
      '/',
      '/v1/embeddings',
      '/v1/chat/completions/',
      '//v1/chat/completions',
      '/V1/CHAT/COMPLETIONS',
      '/v1/chat/completions?stream=true&model=up',
      '/v1/chat/completions#x',
      '/%00',
      '/..%2f..%2fetc/passwd',
      '/v1/chat/completions/..',
      '*',
    ),
  },
  { weight: 1, arbitrary: fc.stringMatching(/^\/[\w./~%?=&-]{0,40}$/) },
);

const goodHeaders = { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' };

/** Sends `request` and checks its answer. A GET or HEAD carries no body: Node's client sends none for them. */
async function answersWell(request: Sent): Promise<void> {
  const sendable = request.method === 'GET' || request.method === 'HEAD' ? { ...request, body: undefined } : request;
  expectWellFormed(sendable, await send(sendable));
}

describe('the proxy under fuzzed input', () => {
  it('answers any body with a success or a 4xx OpenAI error, in time, and shows no key or stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/chat/completions', '/chat/completions'), body, fc.boolean(), (path, payload, chunked) =>
        answersWell({ method: 'POST', path, headers: goodHeaders, body: payload, chunked }),
      ),
      { numRuns: 150, ...seed },
    );
  });

  it('answers any headers the same way', async () => {
    const request = validRequest.map((value) => Buffer.from(JSON.stringify(value)));
    await fc.assert(
      fc.asyncProperty(headers, request, fc.boolean(), (fuzzed, payload, chunked) =>
        answersWell({ method: 'POST', path: '/v1/chat/completions', headers: fuzzed, body: payload, chunked }),
      ),
      { numRuns: 100, ...seed },
    );
  });

  it('answers any method and path, with any headers and body, the same way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ method, path, headers, body, chunked: fc.boolean() }), answersWell),
      { numRuns: 100, ...seed },
    );
  });

  it('answers the observability routes with any query, method and headers the same way', async () => {
    const queryValue = fc.oneof(
      fc.constantFrom('fast', 'up', 'masked', 'nope', '', '%ZZ', '%E0%A4%A', '%00', '%2F', 'fast%00', '..%2f..', 'a'.repeat(3_000), '__proto__', 'constructor'),
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      fc.string({ unit: 'binary', maxLength: 10 }).map(encodeURIComponent),
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom('model', 'model_id', 'litellm_model_id', 'model[]', 'x'), queryValue), { maxLength: 3 })
      .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([name, value]) => `${name}=${value}`).join('&')}`));
    const route = fc.constantFrom('/health', '/metrics', '/metrics/', '/v1/router/events', '/ui');
    await fc.assert(
      fc.asyncProperty(
        route,
        query,
        fc.oneof({ weight: 4, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constantFrom('POST', 'HEAD', 'DELETE', 'OPTIONS') }),
        headers,
        (at, search, verb, fuzzed) => answersWell({ method: verb, path: `${at}${search}`, headers: fuzzed, body: undefined, chunked: false }),
      ),
      { numRuns: 100, ...seed },
    );
  });

  it('answers a request with junk hedge_after, max_hedges, x-litellm-num-retries and x-litellm-call-id the same way', async () => {
    const junk = fc.oneof(nastyValue, fc.constantFrom<unknown>(0, 0.0001, 1e-9, 1, 2, 100, 1e9, '1', '0.5', -0.5));
    await fc.assert(
      fc.asyncProperty(
        validRequest,
        fc.record({ hedge_after: junk, max_hedges: junk }, { requiredKeys: [] }),
        // Often a good retries header (or none), so that the hedging fields are what the proxy reads.
        fc.option(fc.oneof({ weight: 2, arbitrary: fc.constantFrom('0', '1', '2') }, { weight: 1, arbitrary: seconds })),
        callId,
        (request, hedging, retries, id) => {
          const fields = Object.fromEntries(Object.entries(hedging).filter(([, value]) => value !== deletion));
          return answersWell({
            method: 'POST',
            path: '/v1/chat/completions',
            headers: { ...goodHeaders, ...(retries === null ? {} : { 'x-litellm-num-retries': retries }), 'x-litellm-call-id': id },
            body: Buffer.from(serialise({ ...request, ...fields })),
            chunked: false,
          });
        },
      ),
      { numRuns: 100, ...seed },
    );
  });

  // The counterexample the property found, as an example: before the depth limit, 500 "Maximum call
  // stack size exceeded" from serialising the body for the upstream.
  it('refuses a body 5 000 levels deep for an upstream deployment with a 400, without calling the upstream', async () => {
    const before = upstream.requests.length;
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const answer = await send({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
      body: Buffer.from(`{"model": "up", "messages": [{"role": "user", "content": ${deep}}]}`),
      chunked: false,
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: { message: 'invalid request: messages: nested more than 128 levels deep', type: 'invalid_request_error', param: 'messages', code: 'invalid_request' },
    });
    expect(upstream.requests.length).toBe(before);
  });

  it('still serves a good request afterwards, with no call left in flight', async () => {
    await waitUntil(() => proxy.inFlight === 0, 5_000, 'the fuzzed calls to end');
    for (const model of ['fast', 'up']) {
      const answer = await send({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { authorization: `Bearer ${masterKey}`, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] })),
        chunked: false,
      });
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body) as { object: string }).object).toBe('chat.completion');
    }
    expect(lines.join('\n')).not.toContain(masterKey);
    expect(lines.join('\n')).not.toContain(upstreamKey);
  });
});
