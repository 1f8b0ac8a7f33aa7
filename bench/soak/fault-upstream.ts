/**
 * A fault-injecting upstream for the soak that speaks every provider's wire format at once: node:http
 * on 127.0.0.1 (an ephemeral port), each request routed by its path to the format that owns it
 * (formats/*.ts): OpenAI (`/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`), Azure
 * (`/openai/deployments/<d>/...?api-version=`), Gemini (`/v1beta/models/<m>:generateContent`,
 * `:streamGenerateContent?alt=sse`), Anthropic (`/v1/messages`), Bedrock (`/model/<id>/converse`,
 * `/converse-stream`).
 *
 * A share `faultRate` of requests gets a fault; each format's faulted requests take the faults of
 * the matrix in turn, so every fault gets the same share in every format. Every answer has its own
 * number, and its content is that number's tokens in order (tokens.ts), so clients can prove what
 * they received whichever format carried it.
 *
 *   fault                    streaming request                                 non-streaming request
 *   hang-before-headers      reads the request, never answers                  same
 *   hang-before-first-chunk  200 + the content-free opening frames, then nothing  200 headers, then nothing
 *   stall-mid-stream         opening + some tokens, then nothing               half the JSON body, then nothing
 *   reset-before-body        socket destroyed, no response                     same
 *   reset-mid-body           opening + some tokens, socket destroyed           half the JSON body, socket destroyed
 *   429-retry-after          429, the format's error body and retry hint       same
 *   429 / 500 / 503 / 529    that status, the format's error body (529: 503 where the provider has none)  same
 *   malformed-json           the first frame does not parse                    200 JSON body that does not parse
 *   malformed-sse            opening + some tokens, then a broken frame        a stream body to a JSON request
 *   cut-short                opening + some tokens, EOF before the end marker  Content-Length larger than the body, then FIN
 *   error-event              opening + some tokens, the format's error event   as 500
 *
 * It tracks every upstream request as open until its response finished or its connection closed,
 * and which faults each client request met (by the `soak-<n>` id the client puts in its prompt,
 * which every format carries).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { faultKinds, type FaultKind, type Served } from './faults.js';
import { anthropicFormat } from './formats/anthropic.js';
import { azureFormat } from './formats/azure.js';
import { bedrockFormat } from './formats/bedrock.js';
import { geminiFormat } from './formats/gemini.js';
import { openAIErrorBody, openAIFormat } from './formats/openai.js';
import { playJson, playStream } from './formats/play-answer.js';
import { soakFormatNames, type SoakCall, type SoakEndpoint, type SoakFormatName, type SoakRoute, type SoakWireFormat } from './formats/soak-wire-format.js';

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

/** Where an upstream request went: `<format> <endpoint> <stream|json>`, e.g. `gemini chat stream`. */
export type UpstreamRouteKey = `${SoakFormatName} ${SoakEndpoint} ${'stream' | 'json'}`;

export interface FaultUpstream {
  /** `http://127.0.0.1:<port>`: every format's `api_base` starts with it (OpenAI's adds `/v1`). */
  readonly origin: string;
  /** `${origin}/v1`: an OpenAI deployment's `api_base`. */
  readonly apiBase: string;
  /** Upstream requests neither finished nor closed. */
  readonly open: number;
  readonly requests: number;
  /** Per fault (and `none`), how its requests ended. */
  counts(): Record<Served, ServedCounts>;
  /** Per route, upstream requests per fault (and `none`). */
  countsByRoute(): Partial<Record<UpstreamRouteKey, Record<Served, number>>>;
  /** What the upstream requests made for one client request (its `soak-<n>` id) were served with, in order. */
  servedFor(user: string): readonly Served[];
  /** Upstream requests per upstream model (one per deployment). */
  byModel(): Record<string, number>;
  close(): Promise<void>;
}

const formats: readonly SoakWireFormat[] = [azureFormat, openAIFormat, geminiFormat, anthropicFormat, bedrockFormat];
const userPattern = /soak-\d+/;

function emptyCounts(): Record<Served, ServedCounts> {
  const counts = {} as Record<Served, ServedCounts>;
  for (const served of ['none', ...faultKinds] as const) counts[served] = { requests: 0, finished: 0, closedEarly: 0, open: 0 };
  return counts;
}

function emptyServed(): Record<Served, number> {
  const counts = {} as Record<Served, number>;
  for (const served of ['none', ...faultKinds] as const) counts[served] = 0;
  return counts;
}

/** How many inputs an embeddings request has. */
function inputCount(input: unknown): number {
  if (!Array.isArray(input)) return 1;
  // A list of token ids is one input; a list of lists or strings is one each.
  return input.length > 0 && typeof input[0] === 'number' ? 1 : input.length;
}

/** Starts the fault upstream on 127.0.0.1 (an ephemeral port). */
export async function startFaultUpstream(options: FaultUpstreamOptions): Promise<FaultUpstream> {
  const faults = options.faults ?? faultKinds;
  const minTokens = options.minTokens ?? 3;
  const maxTokens = Math.max(minTokens, options.maxTokens ?? 12);
  const chunkDelayMs = options.chunkDelayMs ?? 3;
  const { random } = options;
  const counts = emptyCounts();
  const byRoute: Partial<Record<UpstreamRouteKey, Record<Served, number>>> = {};
  const servedByUser = new Map<string, Served[]>();
  const sockets = new Set<Socket>();
  const modelCounts: Record<string, number> = {};
  const nextFault = Object.fromEntries(soakFormatNames.map((name) => [name, 0])) as Record<SoakFormatName, number>;
  let answers = 0;
  let open = 0;
  let requests = 0;

  const pickServed = (format: SoakFormatName): Served => {
    if (faults.length === 0 || random() >= options.faultRate) return 'none';
    const fault = faults[nextFault[format] % faults.length] as FaultKind;
    nextFault[format] += 1;
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

  const notFound = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(openAIErrorBody(message, 'invalid_request_error', status === 404 ? 'not_found' : null));
  };

  function serve(req: IncomingMessage, res: ServerResponse, text: string): void {
    const url = new URL(req.url ?? '/', 'http://upstream');
    let body: Record<string, unknown>;
    try {
      const parsed = JSON.parse(text) as unknown;
      body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      notFound(res, 400, 'the request body is not JSON');
      return;
    }
    let format: SoakWireFormat | undefined;
    let route: SoakRoute | undefined;
    for (const candidate of formats) {
      route = req.method === 'POST' ? candidate.route(url.pathname, url.searchParams, body) : undefined;
      if (route !== undefined) {
        format = candidate;
        break;
      }
    }
    if (format === undefined || route === undefined) {
      notFound(res, 404, `no route ${req.method} ${url.pathname}`);
      return;
    }
    const served = pickServed(format.name);
    const count = counts[served];
    requests += 1;
    count.requests += 1;
    count.open += 1;
    open += 1;
    const key: UpstreamRouteKey = `${format.name} ${route.endpoint} ${route.stream ? 'stream' : 'json'}`;
    const routeCounts = (byRoute[key] ??= emptyServed());
    routeCounts[served] += 1;
    const user = userPattern.exec(text)?.[0];
    if (user !== undefined) {
      const list = servedByUser.get(user);
      if (list === undefined) servedByUser.set(user, [served]);
      else list.push(served);
    }
    res.once('close', () => {
      open -= 1;
      count.open -= 1;
      if (res.writableFinished) count.finished += 1;
      else count.closedEarly += 1;
    });
    answers += 1;
    modelCounts[route.model] = (modelCounts[route.model] ?? 0) + 1;
    const call: SoakCall = {
      ...route,
      id: answers,
      total: minTokens + Math.floor(random() * (maxTokens - minTokens + 1)),
      inputs: inputCount(body['input']),
    };
    const context = { res, format, call, served, random, delay };
    // A write racing the proxy's disconnect may throw; the exchange is over either way.
    const play = call.stream ? playStream(context) : playJson(context);
    play.catch(() => res.destroy());
  }

  function delay(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, chunkDelayMs));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Hung requests are the proxy's to abort; Node's own request timeout must not do it for them.
  server.requestTimeout = 0;
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    apiBase: `${origin}/v1`,
    get open() {
      return open;
    },
    get requests() {
      return requests;
    },
    counts: () => structuredClone(counts),
    countsByRoute: () => structuredClone(byRoute),
    servedFor: (user) => servedByUser.get(user) ?? [],
    byModel: () => ({ ...modelCounts }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
