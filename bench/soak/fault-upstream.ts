/**
 * A fault-injecting OpenAI-compatible upstream for the soak: node:http on 127.0.0.1 (an ephemeral
 * port), `POST /v1/chat/completions` (and `/chat/completions`) in the real wire format: JSON
 * completions, SSE `data: {...}` chunks ending in `data: [DONE]`, and `{"error": {message, type,
 * param, code}}` error bodies.
 *
 * A share `faultRate` of requests gets a fault; faulted requests take the faults of the matrix in
 * turn, so every fault gets the same share. Every answer has its own number, and its content is
 * that number's tokens in order (tokens.ts), so clients can prove what they received.
 *
 *   fault                    streaming request                        non-streaming request
 *   hang-before-headers      reads the request, never answers         same
 *   hang-before-first-chunk  200 + role chunk, then nothing           200 headers, then nothing
 *   stall-mid-stream         role + some tokens, then nothing         half the JSON body, then nothing
 *   reset-before-body        socket destroyed, no response            same
 *   reset-mid-body           role + some tokens, socket destroyed     half the JSON body, socket destroyed
 *   429-retry-after          429 rate_limit_error, Retry-After: 1     same
 *   429 / 500 / 503 / 529    that status, OpenAI error body           same
 *   malformed-json           the first event's JSON is broken         200 JSON body that does not parse
 *   malformed-sse            role + some tokens, then a broken event  an SSE body to a JSON request
 *   cut-short                role + some tokens, end without [DONE]   Content-Length larger than the body, then FIN
 *
 * It tracks every upstream request as open until its response finished or its connection closed,
 * and which faults each client request met (by the body's `user`, which the proxy passes on).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { faultKinds, type FaultKind, type Served } from './faults.js';
import { tokenOf } from './tokens.js';

export interface FaultUpstreamOptions {
  /** Share of requests that get a fault, 0..1. */
  readonly faultRate: number;
  readonly random: () => number;
  /** The faults injected, in turn. Default: all of `faultKinds`. */
  readonly faults?: readonly FaultKind[];
  /** Tokens per answer: from `minTokens` to `maxTokens`. Default 3..12. */
  readonly minTokens?: number;
  readonly maxTokens?: number;
  /** Between two stream chunks. Default 3 ms. */
  readonly chunkDelayMs?: number;
}

/** How upstream requests served one way ended, so far. */
export interface ServedCounts {
  requests: number;
  /** The response was sent whole. */
  finished: number;
  /** The connection closed first (the proxy gave up, or the fault closed it). */
  closedEarly: number;
  /** Neither yet. */
  open: number;
}

export interface FaultUpstream {
  /** `http://127.0.0.1:<port>/v1`: a deployment's `api_base`. */
  readonly apiBase: string;
  /** Upstream requests neither finished nor closed. */
  readonly open: number;
  readonly requests: number;
  /** Per fault (and `none`), how its requests ended. */
  counts(): Record<Served, ServedCounts>;
  /** What the upstream requests made for one client request (its `user`) were served with, in order. */
  servedFor(user: string): readonly Served[];
  /** Upstream requests per upstream model (one per deployment). */
  byModel(): Record<string, number>;
  close(): Promise<void>;
}

const created = 1_700_000_000;

function emptyCounts(): Record<Served, ServedCounts> {
  const counts = {} as Record<Served, ServedCounts>;
  for (const served of ['none', ...faultKinds] as const) counts[served] = { requests: 0, finished: 0, closedEarly: 0, open: 0 };
  return counts;
}

function errorBody(message: string, type: string, code: string | null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

const errorAnswers: Partial<Record<FaultKind, { status: number; body: string; headers?: Record<string, string> }>> = {
  '429-retry-after': {
    status: 429,
    body: errorBody('Rate limit reached for requests', 'rate_limit_error', 'rate_limit_exceeded'),
    headers: { 'retry-after': '1' },
  },
  '429': { status: 429, body: errorBody('Rate limit reached for requests', 'rate_limit_error', 'rate_limit_exceeded') },
  '500': { status: 500, body: errorBody('The server had an error while processing your request', 'server_error', null) },
  '503': { status: 503, body: errorBody('The engine is currently overloaded, please try again later', 'server_error', 'service_unavailable') },
  '529': { status: 529, body: errorBody('Overloaded', 'overloaded_error', 'overloaded') },
};

/** Starts the fault upstream on 127.0.0.1 (an ephemeral port). */
export async function startFaultUpstream(options: FaultUpstreamOptions): Promise<FaultUpstream> {
  const faults = options.faults ?? faultKinds;
  const minTokens = options.minTokens ?? 3;
  const maxTokens = Math.max(minTokens, options.maxTokens ?? 12);
  const chunkDelayMs = options.chunkDelayMs ?? 3;
  const { random } = options;
  const counts = emptyCounts();
  const servedByUser = new Map<string, Served[]>();
  const sockets = new Set<Socket>();
  const modelCounts: Record<string, number> = {};
  let nextFault = 0;
  let answers = 0;
  let open = 0;
  let requests = 0;

  const pickServed = (): Served => {
    if (faults.length === 0 || random() >= options.faultRate) return 'none';
    const fault = faults[nextFault % faults.length] as FaultKind;
    nextFault += 1;
    return fault;
  };

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => serve(req, res, Buffer.concat(parts).toString('utf8')));
    req.on('error', () => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function serve(req: IncomingMessage, res: ServerResponse, text: string): void {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(errorBody(`no route ${req.method} ${path}`, 'invalid_request_error', 'not_found'));
      return;
    }
    let body: { model?: unknown; stream?: unknown; user?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null));
      return;
    }
    const served = pickServed();
    const count = counts[served];
    requests += 1;
    count.requests += 1;
    count.open += 1;
    open += 1;
    if (typeof body.user === 'string') {
      const list = servedByUser.get(body.user);
      if (list === undefined) servedByUser.set(body.user, [served]);
      else list.push(served);
    }
    res.once('close', () => {
      open -= 1;
      count.open -= 1;
      if (res.writableFinished) count.finished += 1;
      else count.closedEarly += 1;
    });
    answers += 1;
    const model = typeof body.model === 'string' ? body.model : 'soak';
    modelCounts[model] = (modelCounts[model] ?? 0) + 1;
    const answer: Answer = {
      id: answers,
      model,
      total: minTokens + Math.floor(random() * (maxTokens - minTokens + 1)),
    };
    // A write racing the proxy's disconnect may throw; the exchange is over either way.
    const play = body.stream === true ? playStream(res, answer, served) : playJson(res, answer, served);
    play.catch(() => res.destroy());
  }

  function delay(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, chunkDelayMs));
  }

  /** Resolves once `data` was handed to the socket; false when the connection is gone. */
  function write(res: ServerResponse, data: string): Promise<boolean> {
    if (res.destroyed || res.writableEnded) return Promise.resolve(false);
    return new Promise((resolve) => res.write(data, (error) => resolve(error == null)));
  }

  async function playJson(res: ServerResponse, answer: Answer, served: Served): Promise<void> {
    const json = completionJson(answer);
    const half = json.slice(0, Math.floor(json.length / 2));
    const errorAnswer = served === 'none' ? undefined : errorAnswers[served];
    if (errorAnswer !== undefined) {
      res.writeHead(errorAnswer.status, { 'content-type': 'application/json', ...errorAnswer.headers });
      res.end(errorAnswer.body);
      return;
    }
    switch (served) {
      case 'hang-before-headers':
        return;
      case 'reset-before-body':
        res.socket?.destroy();
        return;
      case 'hang-before-first-chunk':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        res.flushHeaders();
        return;
      case 'stall-mid-stream':
      case 'reset-mid-body':
      case 'cut-short':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        if (!(await write(res, half))) return;
        if (served === 'reset-mid-body') res.socket?.destroy();
        // Content-Length promised more: a FIN now leaves the body short.
        else if (served === 'cut-short') res.socket?.end();
        return;
      case 'malformed-json': {
        const broken = `${half}}`;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(broken) });
        res.end(broken);
        return;
      }
      case 'malformed-sse':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`data: ${chunkJson(answer, { role: 'assistant', content: '' }, null)}\n\ndata: [DONE]\n\n`);
        return;
      default: {
        await delay();
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      }
    }
  }

  async function playStream(res: ServerResponse, answer: Answer, served: Served): Promise<void> {
    const errorAnswer = served === 'none' ? undefined : errorAnswers[served];
    if (errorAnswer !== undefined) {
      res.writeHead(errorAnswer.status, { 'content-type': 'application/json', ...errorAnswer.headers });
      res.end(errorAnswer.body);
      return;
    }
    if (served === 'hang-before-headers') return;
    if (served === 'reset-before-body') {
      res.socket?.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (served === 'malformed-json') {
      res.end(`data: {"id":"chatcmpl-soak-${answer.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content\n\n`);
      return;
    }
    if (!(await write(res, `data: ${chunkJson(answer, { role: 'assistant', content: '' }, null)}\n\n`))) return;
    if (served === 'hang-before-first-chunk') return;
    // The mid-stream faults strike after at least one token and before the last.
    const cutAt = served === 'none' ? answer.total : 1 + Math.floor(random() * (answer.total - 1));
    for (let seq = 0; seq < cutAt; seq += 1) {
      await delay();
      if (!(await write(res, `data: ${chunkJson(answer, { content: tokenOf(answer.id, seq, answer.total) }, null)}\n\n`))) return;
    }
    await delay();
    if (res.destroyed) return;
    switch (served) {
      case 'stall-mid-stream':
        return;
      case 'reset-mid-body':
        res.socket?.destroy();
        return;
      case 'malformed-sse':
        res.end(`data: {"id":"chatcmpl-soak-${answer.id}","choices":[{"index":0,"delta":{"content":"oops"}\n\n`);
        return;
      case 'cut-short':
        res.end();
        return;
      default:
        res.end(`data: ${chunkJson(answer, {}, 'stop')}\n\ndata: [DONE]\n\n`);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Hung requests are the proxy's to abort; Node's own request timeout must not do it for them.
  server.requestTimeout = 0;
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}/v1`,
    get open() {
      return open;
    },
    get requests() {
      return requests;
    },
    counts: () => structuredClone(counts),
    servedFor: (user) => servedByUser.get(user) ?? [],
    byModel: () => ({ ...modelCounts }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Answer {
  readonly id: number;
  readonly model: string;
  readonly total: number;
}

function allTokens(answer: Answer): string {
  let text = '';
  for (let seq = 0; seq < answer.total; seq += 1) text += tokenOf(answer.id, seq, answer.total);
  return text;
}

function completionJson(answer: Answer): string {
  return JSON.stringify({
    id: `chatcmpl-soak-${answer.id}`,
    object: 'chat.completion',
    created,
    model: answer.model,
    choices: [{ index: 0, message: { role: 'assistant', content: allTokens(answer) }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: answer.total, total_tokens: 5 + answer.total },
  });
}

function chunkJson(answer: Answer, delta: Record<string, unknown>, finishReason: string | null): string {
  return JSON.stringify({
    id: `chatcmpl-soak-${answer.id}`,
    object: 'chat.completion.chunk',
    created,
    model: answer.model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  });
}
