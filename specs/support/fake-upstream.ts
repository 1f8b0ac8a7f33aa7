/**
 * A fake OpenAI-compatible upstream for integration specs: a node:http server on 127.0.0.1 (an
 * ephemeral port) answering `POST /v1/chat/completions` (and `/chat/completions`), OpenAI's
 * `/v1/completions` and `/v1/embeddings` (answers, streams and errors in those endpoints' shapes), and
 * the paths of Azure and Gemini (the model then comes from the path: see `chatRoute`; give Gemini
 * requests `raw` behaviours in Gemini's own wire format).
 *
 * What it does is chosen per request by the body's `model`, so one server plays several deployments
 * (give each deployment its own upstream model name). Models with no behaviour get the default,
 * `{ kind: 'answer' }`: a completion or stream (as the request asks) saying `Hello from <model>`.
 *
 *   const upstream = await startFakeUpstream();
 *   upstream.behave('ok', { kind: 'answer', content: 'hi' });
 *   upstream.behave('slow', { kind: 'stream', content: ['a', 'b'], delayMs: 20 });
 *   upstream.behave('limited', { kind: 'error', status: 429, headers: { 'retry-after': '2' } });
 *   upstream.behave('flaky', { kind: 'error', status: 500 }, { kind: 'answer' }); // 500 once, then answers
 *   const deployment = { ..., apiBase: upstream.apiBase, model: 'slow' };
 *   // ... subscribe, then unsubscribe mid-stream ...
 *   await upstream.waitForClose(0); // resolves once the client closed request 0's connection
 *   expect(upstream.requests[0]?.closedByClient).toBe(true);
 *   await upstream.close();
 *
 * Behaviours (`Behaviour`, below): `answer` (JSON or SSE as the request asks), `json`, `stream`
 * (role chunk, content chunks, finish chunk, optional usage chunk, `[DONE]`; per-event delays; cut
 * short after N events by stalling, destroying the socket, ending without `[DONE]`, or an error
 * event), `error` (any status, OpenAI error body, extra headers such as `retry-after`), `raw` (exact
 * bytes: malformed SSE, malformed JSON, odd line endings, split UTF-8), `hang` (never answers), and
 * `reset` (destroys the socket before or right after the headers). `behave(model, a, b, c)` plays a,
 * then b, then c for every later request.
 *
 * Every request is recorded (`requests[i]`: model, body, headers, time, connection id, whether the
 * server finished it, whether the client closed it first). `connectionCount` counts TCP connections
 * accepted, to prove keep-alive reuse; `openConnections` those open now. `close()` destroys every
 * socket and stops the server.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RequestLedger } from './request-ledger.js';

/** OpenAI's `{ message, type, code }` error fields, for `error` behaviours and error events. */
export interface FakeError {
  readonly message?: string;
  readonly type?: string;
  readonly code?: string | number | null;
  readonly param?: string | null;
}

/** A completion or a stream, whichever the request's `stream` flag asks for. */
export interface AnswerBehaviour {
  readonly kind: 'answer';
  /** Default `Hello from <model>`. Streamed word by word. */
  readonly content?: string;
  /** Before the headers (non-streaming) or before each event (streaming). */
  readonly delayMs?: number;
}

/** A `200 application/json` completion (even when a stream was asked for). */
export interface JsonBehaviour {
  readonly kind: 'json';
  readonly content?: string;
  /** The whole body instead of a generated completion (any JSON value). */
  readonly body?: unknown;
  readonly delayMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a `stream` behaviour stops early. */
export type StreamCut =
  /** Keep the connection open and send nothing more. */
  | 'stall'
  /** `socket.destroy()`: the client sees the connection drop. */
  | 'destroy'
  /** End the response normally, without `[DONE]`. */
  | 'end'
  /** Send `data: {"error": ...}` (see `error`), then end without `[DONE]`. */
  | 'error-event';

/** A `200 text/event-stream` answer (even when no stream was asked for). */
export interface StreamBehaviour {
  readonly kind: 'stream';
  /** Content deltas, one chunk each. Default: `Hello from <model>` word by word. */
  readonly content?: readonly string[];
  /** Before every event. */
  readonly delayMs?: number;
  /** Before the first event instead of `delayMs` (headers are sent at once). */
  readonly firstDelayMs?: number;
  /** Default `stop`; `null` sends no finish chunk. */
  readonly finishReason?: string | null;
  /** A usage chunk after the finish chunk. Default: when the request's `stream_options.include_usage`. */
  readonly usage?: boolean;
  /** Send `data: [DONE]` at the end. Default true. */
  readonly done?: boolean;
  /** Stop after this many events (chunks, counting the role chunk; 0: right after the headers). */
  readonly cutAfter?: number;
  /** How to stop at `cutAfter`. Default `stall`. */
  readonly cut?: StreamCut;
  /** The error event's fields for `cut: 'error-event'`. */
  readonly error?: FakeError;
  /** Line ending used in the SSE framing. Default `\n`. */
  readonly lineEnding?: '\n' | '\r\n' | '\r';
}

/** An error response: `{"error": {message, type, param, code}}` with the given status. */
export interface ErrorBehaviour {
  readonly kind: 'error';
  readonly status: number;
  readonly error?: FakeError;
  /** A raw body instead of the JSON error body. */
  readonly body?: string;
  /** Extra headers, e.g. `{ 'retry-after': '2' }` or `{ 'retry-after-ms': '1500' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly delayMs?: number;
}

/** Exactly these bytes, written piece by piece. */
export interface RawBehaviour {
  readonly kind: 'raw';
  readonly status?: number;
  /** Default `text/event-stream`. */
  readonly contentType?: string;
  /** Extra headers, e.g. `{ 'retry-after': '2' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly pieces: readonly (string | Uint8Array)[];
  /** Before each piece. */
  readonly delayMs?: number;
  /** After the last piece: end the response (default), stall, or destroy the socket. */
  readonly then?: 'end' | 'stall' | 'destroy';
}

/** Reads the request and never answers. */
export interface HangBehaviour {
  readonly kind: 'hang';
}

/** Destroys the connection: before any response, or right after sending the headers. */
export interface ResetBehaviour {
  readonly kind: 'reset';
  readonly afterHeaders?: boolean;
}

export type Behaviour =
  | AnswerBehaviour
  | JsonBehaviour
  | StreamBehaviour
  | ErrorBehaviour
  | RawBehaviour
  | HangBehaviour
  | ResetBehaviour;

/** One request as the fake upstream saw it. Fields update live as the exchange goes on. */
export interface RecordedRequest {
  /** Position in `requests`. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  /** The model the path names (Azure, Gemini), else the body's `model`, if it had one. */
  readonly model: string | undefined;
  /** Which endpoint the path named: chat completions, text completions or embeddings (undefined: no route). */
  readonly endpoint: 'chat' | 'text_completion' | 'embedding' | undefined;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** `Date.now()` when the request had been read. */
  readonly receivedAt: number;
  /** Which TCP connection (1, 2, ...) carried it; equal ids mean a reused keep-alive socket. */
  readonly connection: number;
  readonly behaviour: Behaviour;
  /** The server sent the whole response. */
  readonly finished: boolean;
  /** The connection closed before the server finished, and neither the server nor `close()` closed it. */
  readonly closedByClient: boolean;
}

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>/v1`: a deployment's `apiBase`. */
  readonly apiBase: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** TCP connections accepted so far. */
  readonly connectionCount: number;
  /** TCP connections open now. */
  readonly openConnections: number;
  /** What requests for `model` get: `first`, then each of `rest`; the last one repeats. */
  behave(model: string, first: Behaviour, ...rest: Behaviour[]): void;
  /** Resolves with `requests[index]` once it has arrived (rejects after `timeoutMs`, default 5 s). */
  waitForRequest(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /**
   * Resolves with `requests[index]` once the client has closed its connection before the server
   * finished; rejects if the server finished or closed it itself, or after `timeoutMs` (default 5 s).
   */
  waitForClose(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets behaviours and recorded requests (indices restart at 0); connections stay open. */
  reset(): void;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** For models without a behaviour. Default `{ kind: 'answer' }`. */
  readonly defaultBehaviour?: Behaviour;
}

type Recording = { -readonly [Field in keyof RecordedRequest]: RecordedRequest[Field] };


const created = 1_700_000_000;

function delay(ms: number | undefined): Promise<void> {
  return ms === undefined || ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}


/**
 * The chat endpoints the fake answers, in each provider's URL shape, and the model a path names:
 * OpenAI's `/v1/chat/completions` (the model is in the body), Azure's
 * `/openai/deployments/<deployment>/chat/completions`, Gemini's `/v1beta/models/<model>:generateContent`,
 * `:streamGenerateContent` and `:batchEmbedContents` (embeddings).
 */
type Endpoint = 'chat' | 'text_completion' | 'embedding';

const endpoints: Readonly<Record<string, Endpoint>> = { 'chat/completions': 'chat', completions: 'text_completion', embeddings: 'embedding' };

function chatRoute(path: string): { model?: string; endpoint: Endpoint } | undefined {
  const openai = /^(?:\/v1)?\/(chat\/completions|completions|embeddings)$/.exec(path);
  if (openai?.[1] !== undefined) return { endpoint: endpoints[openai[1]] as Endpoint };
  const azure = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/.exec(path);
  if (azure?.[1] !== undefined && azure[2] !== undefined) return { model: decodeURIComponent(azure[1]), endpoint: endpoints[azure[2]] as Endpoint };
  const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(path);
  if (gemini?.[1] !== undefined) return { model: decodeURIComponent(gemini[1]), endpoint: gemini[2] === 'batchEmbedContents' ? 'embedding' : 'chat' };
  return undefined;
}

function defaultContent(model: string | undefined): string {
  return `Hello from ${model ?? 'the fake upstream'}`;
}

function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

function errorTypeFor(status: number): string {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 429:
      return 'rate_limit_error';
    default:
      return 'server_error';
  }
}

function usage(): Record<string, number> {
  return { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 };
}

/** One small vector per input, from the input's length: enough to tell inputs apart in a spec. */
function embeddingsBody(record: Recording): unknown {
  const input = (record.body as { input?: unknown } | null)?.input;
  const inputs = Array.isArray(input) && !input.every((item) => typeof item === 'number') ? input : [input];
  return {
    object: 'list',
    data: inputs.map((item, index) => ({ object: 'embedding', index, embedding: [String(item).length, index, 0.5] })),
    model: record.model ?? 'fake',
    usage: { prompt_tokens: 4, total_tokens: 4 },
  };
}

function completionBody(record: Recording, content: string): unknown {
  if (record.endpoint === 'embedding') return embeddingsBody(record);
  if (record.endpoint === 'text_completion') {
    return {
      id: `cmpl-fake-${record.index}`,
      object: 'text_completion',
      created,
      model: record.model ?? 'fake',
      choices: [{ index: 0, text: content, finish_reason: 'stop', logprobs: null }],
      usage: usage(),
    };
  }
  return {
    id: `chatcmpl-fake-${record.index}`,
    object: 'chat.completion',
    created,
    model: record.model ?? 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: usage(),
  };
}

function wantsUsage(body: unknown): boolean {
  const options = (body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options;
  return options?.include_usage === true;
}

/** The data payloads of a stream behaviour, `[DONE]` excluded. */
function streamEvents(record: Recording, behaviour: StreamBehaviour): unknown[] {
  if (record.endpoint === 'text_completion') return textStreamEvents(record, behaviour);
  const base = { id: `chatcmpl-fake-${record.index}`, object: 'chat.completion.chunk', created, model: record.model ?? 'fake' };
  const chunk = (delta: unknown, finish: string | null): unknown => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  for (const piece of behaviour.content ?? words(defaultContent(record.model))) events.push(chunk({ content: piece }, null));
  const finishReason = behaviour.finishReason === undefined ? 'stop' : behaviour.finishReason;
  if (finishReason !== null) events.push(chunk({}, finishReason));
  if (behaviour.usage ?? wantsUsage(record.body)) events.push({ ...base, choices: [], usage: usage() });
  return events;
}

/** A text-completion stream as OpenAI sends it: `text_completion` pieces, no role piece. */
function textStreamEvents(record: Recording, behaviour: StreamBehaviour): unknown[] {
  const base = { id: `cmpl-fake-${record.index}`, object: 'text_completion', created, model: record.model ?? 'fake' };
  const piece = (text: string, finish: string | null): unknown => ({ ...base, choices: [{ index: 0, text, finish_reason: finish, logprobs: null }] });
  const events = (behaviour.content ?? words(defaultContent(record.model))).map((text) => piece(text, null));
  const finishReason = behaviour.finishReason === undefined ? 'stop' : behaviour.finishReason;
  if (finishReason !== null) events.push(piece('', finishReason));
  if (behaviour.usage ?? wantsUsage(record.body)) events.push({ ...base, choices: [], usage: usage() });
  return events;
}

function errorFields(status: number, error: FakeError | undefined): Record<string, unknown> {
  return {
    message: error?.message ?? `fake upstream error ${status}`,
    type: error?.type ?? errorTypeFor(status),
    param: error?.param ?? null,
    code: error?.code === undefined ? null : error.code,
  };
}

/**
 * Starts a fake OpenAI-compatible upstream on 127.0.0.1 (an ephemeral port). See the top of this
 * file for its behaviours.
 *
 * @example
 * const upstream = await startFakeUpstream();
 * upstream.behave('gpt-hang', { kind: 'hang' });
 * afterEach(() => upstream.close());
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const defaultBehaviour = options.defaultBehaviour ?? { kind: 'answer' };
  const behaviours = new Map<string, Behaviour[]>();
  const callsByModel = new Map<string, number>();
  const ledger = new RequestLedger<Recording>('fake upstream');
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  let connectionCount = 0;

  const pick = (model: string | undefined): Behaviour => {
    const list = model === undefined ? undefined : behaviours.get(model);
    if (model === undefined || list === undefined) return defaultBehaviour;
    const call = callsByModel.get(model) ?? 0;
    callsByModel.set(model, call + 1);
    return list[Math.min(call, list.length - 1)] ?? defaultBehaviour;
  };

  const server = createServer((req, res) => void serve(req, res));
  server.on('connection', (socket) => {
    connectionCount += 1;
    connectionIds.set(socket, connectionCount);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function readBody(req: IncomingMessage): Promise<string> {
    const buffers: Buffer[] = [];
    for await (const buffer of req) buffers.push(buffer as Buffer);
    return Buffer.concat(buffers).toString('utf8');
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      return; // the client went away mid-request; there is nothing to record
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // kept as text
    }
    const path = req.url ?? '/';
    const route = req.method === 'POST' ? chatRoute(path.split('?')[0] ?? '') : undefined;
    const isChat = route !== undefined;
    const bodyModel = typeof (body as { model?: unknown } | null)?.model === 'string' ? (body as { model: string }).model : undefined;
    const model = route?.model ?? bodyModel;
    const behaviour: Behaviour = isChat
      ? pick(model)
      : { kind: 'error', status: 404, error: { message: `no route ${req.method} ${path}`, code: 'not_found' } };
    const record: Recording = {
      index: ledger.size,
      method: req.method ?? 'GET',
      path,
      model,
      endpoint: route?.endpoint,
      body,
      headers: req.headers,
      receivedAt: Date.now(),
      connection: connectionIds.get(req.socket) ?? 0,
      behaviour,
      finished: false,
      closedByClient: false,
    };
    ledger.add(record, res);
    // A write racing the client's disconnect may throw; the exchange is over either way.
    await play(behaviour, record, res).catch(() => res.destroy());
  }

  /** Writes `data` and resolves once it was handed to the socket (false when the socket is gone). */
  function write(res: ServerResponse, data: string | Uint8Array): Promise<boolean> {
    if (res.destroyed || res.writableEnded) return Promise.resolve(false);
    return new Promise((resolve) => res.write(data, (error) => resolve(error == null)));
  }

  function destroy(res: ServerResponse): void {
    ledger.closedByServerSide(res);
    res.socket?.destroy();
  }

  async function play(behaviour: Behaviour, record: Recording, res: ServerResponse): Promise<void> {
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'reset':
        if (behaviour.afterHeaders === true) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          await write(res, ': the connection drops next\n\n');
        }
        destroy(res);
        return;
      case 'answer': {
        const streaming = (record.body as { stream?: unknown } | null)?.stream === true;
        const content = behaviour.content ?? defaultContent(record.model);
        if (streaming) {
          const stream: StreamBehaviour = { kind: 'stream', content: words(content) };
          await play(behaviour.delayMs === undefined ? stream : { ...stream, delayMs: behaviour.delayMs }, record, res);
          return;
        }
        await delay(behaviour.delayMs);
        await play({ kind: 'json', content }, record, res);
        return;
      }
      case 'json': {
        await delay(behaviour.delayMs);
        if (res.destroyed) return;
        const body = behaviour.body !== undefined ? behaviour.body : completionBody(record, behaviour.content ?? defaultContent(record.model));
        res.writeHead(200, { 'content-type': 'application/json', ...behaviour.headers });
        res.end(JSON.stringify(body));
        return;
      }
      case 'error': {
        await delay(behaviour.delayMs);
        if (res.destroyed) return;
        const body = behaviour.body ?? JSON.stringify({ error: errorFields(behaviour.status, behaviour.error) });
        const contentType = behaviour.body === undefined ? 'application/json' : 'text/plain';
        res.writeHead(behaviour.status, { 'content-type': contentType, ...behaviour.headers });
        res.end(body);
        return;
      }
      case 'raw': {
        res.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'text/event-stream', ...behaviour.headers });
        res.flushHeaders();
        for (const piece of behaviour.pieces) {
          await delay(behaviour.delayMs);
          if (!(await write(res, piece))) return;
        }
        if (behaviour.then === 'stall') return;
        if (behaviour.then === 'destroy') destroy(res);
        else res.end();
        return;
      }
      case 'stream':
        await playStream(behaviour, record, res);
        return;
    }
  }

  async function playStream(behaviour: StreamBehaviour, record: Recording, res: ServerResponse): Promise<void> {
    const eol = behaviour.lineEnding ?? '\n';
    const frame = (data: string): string => `data: ${data}${eol}${eol}`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    const events = streamEvents(record, behaviour).map((event) => JSON.stringify(event));
    if (behaviour.done !== false) events.push('[DONE]');
    const cutAt = behaviour.cutAfter ?? Number.POSITIVE_INFINITY;
    for (const [position, data] of events.entries()) {
      if (position >= cutAt) break;
      await delay(position === 0 ? (behaviour.firstDelayMs ?? behaviour.delayMs) : behaviour.delayMs);
      if (!(await write(res, frame(data)))) return;
    }
    if (cutAt < events.length) {
      switch (behaviour.cut ?? 'stall') {
        case 'stall':
          return;
        case 'destroy':
          destroy(res);
          return;
        case 'error-event':
          await write(res, frame(JSON.stringify({ error: errorFields(500, behaviour.error) })));
          break;
        case 'end':
          break;
      }
    }
    if (!res.destroyed) res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}/v1`,
    port,
    get requests() {
      return ledger.records;
    },
    get connectionCount() {
      return connectionCount;
    },
    get openConnections() {
      return sockets.size;
    },
    behave(model, first, ...rest) {
      behaviours.set(model, [first, ...rest]);
      callsByModel.delete(model);
    },
    waitForRequest: (index, timeoutMs) => ledger.waitForRequest(index, timeoutMs),
    waitForClose: (index, timeoutMs) => ledger.waitForClose(index, timeoutMs),
    reset() {
      behaviours.clear();
      callsByModel.clear();
      ledger.reset();
    },
    async close() {
      ledger.shutDown();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
