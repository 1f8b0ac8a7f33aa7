/**
 * A fake Anthropic Messages API for integration specs: a node:http server on 127.0.0.1 (an ephemeral
 * port) that speaks Anthropic's wire format: `POST /v1/messages`, the `x-api-key` and
 * `anthropic-version` headers, Anthropic's request rules (max_tokens required, roles user/assistant
 * alternating), its message bodies, its named SSE events and its `{"type": "error"}` bodies. A request
 * that breaks a rule gets the 400 / 401 / 404 the real API sends, so a spec passes only when rxllm's
 * request is one Anthropic would take.
 *
 * What it does is chosen per request by the body's `model`, so one server plays several deployments.
 * Models with no behaviour get `{ kind: 'message' }`: a message (or its event stream, when the
 * request asks for one) saying `Hello from <model>`.
 *
 *   const upstream = await startFakeAnthropicUpstream({ key: 'sk-ant-test' });
 *   upstream.behave('claude-a', { kind: 'events', events: sseEvents(recorded), then: 'stall' });
 *   upstream.behave('claude-b', { kind: 'error', status: 529, body: overloaded }, { kind: 'message' }); // 529 once, then answers
 *   // apiBase: upstream.apiBase
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RequestLedger } from '../../support/request-ledger.js';

/** A message, or its event stream when the request has `stream: true`. */
export interface MessageBehaviour {
  readonly kind: 'message';
  /** Default `Hello from <model>`; streamed word by word. */
  readonly text?: string;
  /** The whole JSON body instead of a generated message (non-streaming only). */
  readonly body?: string;
  /** Before the headers (JSON) or before each event (stream). */
  readonly delayMs?: number;
}

/** A `200 text/event-stream` body of exactly these SSE frames (e.g. a recorded stream cut into events). */
export interface EventsBehaviour {
  readonly kind: 'events';
  readonly events: readonly string[];
  /** Before each event. */
  readonly delayMs?: number;
  /** After the last event: end the response (default), keep the connection open silently, or destroy the socket. */
  readonly then?: 'end' | 'stall' | 'destroy';
}

/** An error response with this status and body (Anthropic's `{"type": "error", ...}`), and extra headers. */
export interface ErrorBehaviour {
  readonly kind: 'error';
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Reads the request and never answers. */
export interface HangBehaviour {
  readonly kind: 'hang';
}

export type AnthropicBehaviour = MessageBehaviour | EventsBehaviour | ErrorBehaviour | HangBehaviour;

export interface RecordedRequest {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly model: string | undefined;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** `Date.now()` when the request had been read. */
  readonly receivedAt: number;
  /** The server sent the whole response. */
  readonly finished: boolean;
  /** The connection closed before the server finished, and the server did not close it. */
  readonly closedByClient: boolean;
}

export interface FakeAnthropicUpstream {
  /** `http://127.0.0.1:<port>`: a deployment's `api_base`. */
  readonly apiBase: string;
  readonly requests: readonly RecordedRequest[];
  /** What requests for `model` get: `first`, then each of `rest`; the last one repeats. */
  behave(model: string, first: AnthropicBehaviour, ...rest: AnthropicBehaviour[]): void;
  /** Resolves with `requests[index]` once it has arrived (rejects after `timeoutMs`). */
  waitForRequest(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Resolves once the client closed request `index`'s connection before the server finished; rejects otherwise. */
  waitForClose(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets behaviours and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeAnthropicOptions {
  /** The only `x-api-key` accepted (401 otherwise). Default: any non-empty key. */
  readonly key?: string;
}

type Recording = { -readonly [Field in keyof RecordedRequest]: RecordedRequest[Field] };

/** Anthropic's error body. */
export function anthropicErrorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_fake' });
}

/** An SSE frame as Anthropic writes it: the event name, then its JSON (whose `type` is the same name). */
export function sseFrame(data: { readonly type: string } & Record<string, unknown>): string {
  return `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
}

function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [text];
}

/** The event stream of a one-text-block answer, in the order Anthropic sends it. */
export function textStreamEvents(id: string, model: string, text: string): string[] {
  const pieces = words(text);
  return [
    sseFrame({
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } },
    }),
    sseFrame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    sseFrame({ type: 'ping' }),
    ...pieces.map((piece) => sseFrame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })),
    sseFrame({ type: 'content_block_stop', index: 0 }),
    sseFrame({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } }),
    sseFrame({ type: 'message_stop' }),
  ];
}

function messageBody(id: string, model: string, text: string): string {
  return JSON.stringify({
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: words(text).length },
  });
}

/** What the real API answers a request it refuses, or undefined when it would take it. */
function refusal(req: IncomingMessage, body: unknown, key: string | undefined): ErrorBehaviour | undefined {
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey !== 'string' || apiKey === '') {
    return { kind: 'error', status: 401, body: anthropicErrorBody('authentication_error', 'x-api-key header is required') };
  }
  if (key !== undefined && apiKey !== key) return { kind: 'error', status: 401, body: anthropicErrorBody('authentication_error', 'invalid x-api-key') };
  if (req.headers['anthropic-version'] !== '2023-06-01') {
    return { kind: 'error', status: 400, body: anthropicErrorBody('invalid_request_error', 'anthropic-version: header is required') };
  }
  const invalid = (message: string): ErrorBehaviour => ({ kind: 'error', status: 400, body: anthropicErrorBody('invalid_request_error', message) });
  if (typeof body !== 'object' || body === null) return invalid('There was an error parsing the body of your request.');
  const fields = body as Record<string, unknown>;
  if (typeof fields['max_tokens'] !== 'number') return invalid('max_tokens: Field required');
  const messages = fields['messages'];
  if (!Array.isArray(messages)) return invalid('messages: Field required');
  let previous: unknown;
  for (const [index, message] of messages.entries()) {
    const role = (message as { role?: unknown } | null)?.role;
    if (role !== 'user' && role !== 'assistant') return invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    if (role === previous) return invalid(`messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`);
    previous = role;
  }
  return undefined;
}

function delay(ms: number | undefined): Promise<void> {
  return ms === undefined || ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}


/** Starts the fake on 127.0.0.1 (an ephemeral port). */
export async function startFakeAnthropicUpstream(options: FakeAnthropicOptions = {}): Promise<FakeAnthropicUpstream> {
  const behaviours = new Map<string, AnthropicBehaviour[]>();
  const calls = new Map<string, number>();
  const ledger = new RequestLedger<Recording>('fake anthropic');
  const sockets = new Set<Socket>();

  const pick = (model: string | undefined): AnthropicBehaviour => {
    const list = model === undefined ? undefined : behaviours.get(model);
    if (model === undefined || list === undefined) return { kind: 'message' };
    const call = calls.get(model) ?? 0;
    calls.set(model, call + 1);
    return list[Math.min(call, list.length - 1)] ?? { kind: 'message' };
  };

  const write = (res: ServerResponse, data: string): Promise<boolean> =>
    res.destroyed || res.writableEnded ? Promise.resolve(false) : new Promise((resolve) => res.write(data, (error) => resolve(error == null)));

  async function play(behaviour: AnthropicBehaviour, record: Recording, res: ServerResponse): Promise<void> {
    const id = `msg_fake${String(record.index).padStart(4, '0')}`;
    const model = record.model ?? 'claude-fake';
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'error':
        res.writeHead(behaviour.status, { 'content-type': 'application/json', 'request-id': 'req_fake', ...behaviour.headers });
        res.end(behaviour.body);
        return;
      case 'message': {
        const text = behaviour.text ?? `Hello from ${model}`;
        if ((record.body as { stream?: unknown }).stream === true) {
          await play({ kind: 'events', events: textStreamEvents(id, model, text), ...(behaviour.delayMs === undefined ? {} : { delayMs: behaviour.delayMs }) }, record, res);
          return;
        }
        await delay(behaviour.delayMs);
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' });
        res.end(behaviour.body ?? messageBody(id, model, text));
        return;
      }
      case 'events':
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_fake' });
        res.flushHeaders();
        for (const event of behaviour.events) {
          await delay(behaviour.delayMs);
          if (!(await write(res, event))) return;
        }
        if (behaviour.then === 'stall') return;
        if (behaviour.then === 'destroy') {
          ledger.closedByServerSide(res);
          res.socket?.destroy();
          return;
        }
        res.end();
        return;
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const buffers: Buffer[] = [];
    try {
      for await (const buffer of req) buffers.push(buffer as Buffer);
    } catch {
      return;
    }
    const text = Buffer.concat(buffers).toString('utf8');
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // kept as text
    }
    const path = req.url ?? '/';
    const model = typeof (body as { model?: unknown } | null)?.model === 'string' ? (body as { model: string }).model : undefined;
    const behaviour: AnthropicBehaviour =
      req.method !== 'POST' || path !== '/v1/messages'
        ? { kind: 'error', status: 404, body: anthropicErrorBody('not_found_error', 'Not Found') }
        : (refusal(req, body, options.key) ?? pick(model));
    const record: Recording = {
      index: ledger.size,
      method: req.method ?? 'GET',
      path,
      model,
      body,
      headers: req.headers,
      receivedAt: Date.now(),
      finished: false,
      closedByClient: false,
    };
    ledger.add(record, res);
    await play(behaviour, record, res).catch(() => res.destroy());
  }

  const server = createServer((req, res) => void serve(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    get requests() {
      return ledger.records;
    },
    behave(model, first, ...rest) {
      behaviours.set(model, [first, ...rest]);
      calls.delete(model);
    },
    waitForRequest: (index, timeoutMs) => ledger.waitForRequest(index, timeoutMs),
    waitForClose: (index, timeoutMs) => ledger.waitForClose(index, timeoutMs),

    reset() {
      behaviours.clear();
      calls.clear();
      ledger.reset();
    },
    async close() {
      ledger.shutDown();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
