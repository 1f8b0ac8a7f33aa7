/**
 * The soak's load: `concurrency` clients, each sending one request after another until the time is
 * up (or `maxRequests` were sent in all), each to a model group and endpoint drawn from the traffic
 * mix, mixing streaming and non-streaming requests and hanging up on some of them at random points.
 */
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import type { SoakEndpoint } from './formats/soak-wire-format.js';
import { sendSoakRequest, type Disconnect, type Outcome } from './soak-client.js';

/** One kind of request of the mix: a model group and an endpoint. */
export interface Traffic {
  readonly model: string;
  readonly endpoint: SoakEndpoint;
}

export interface LoadOptions {
  /** The proxy: `http://127.0.0.1:<port>`; several proxies (a fleet): each request goes to one drawn at random. */
  readonly url: string | readonly string[];
  /** Each request is one of these, drawn uniformly. */
  readonly traffic: readonly Traffic[];
  readonly concurrency: number;
  readonly durationMs: number;
  /** Stop after this many requests in all, even if time remains. */
  readonly maxRequests?: number;
  /** Share of requests that stream, 0..1. Default 0.5. */
  readonly streamShare?: number;
  /** Share of requests whose client hangs up on purpose, 0..1. */
  readonly disconnectRate: number;
  /** A `before-headers` hang-up comes up to this long after sending. Default 400 ms. */
  readonly maxDisconnectDelayMs?: number;
  /** A request with no outcome by then is `lost`. */
  readonly watchdogMs: number;
  readonly random: () => number;
  /** Told of every outcome as it comes (progress lines). */
  readonly onOutcome?: (outcome: Outcome) => void;
}

export interface LoadResult {
  /** Requests the clients started. */
  readonly sent: number;
  /** One per request that ended (a `lost` one included: it is counted apart). */
  readonly outcomes: readonly Outcome[];
  readonly durationMs: number;
}

function pickDisconnect(options: LoadOptions, stream: boolean): Disconnect {
  const { random } = options;
  if (random() >= options.disconnectRate) return { kind: 'none' };
  if (stream && random() < 0.5) return { kind: 'after-chunks', chunks: 1 + Math.floor(random() * 6) };
  return { kind: 'before-headers', afterMs: random() * (options.maxDisconnectDelayMs ?? 400) };
}

/** Runs the load; resolves when every request it started has its outcome. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const dispatcher = new Agent({ connections: options.concurrency, headersTimeout: 0, bodyTimeout: 0 });
  const started = performance.now();
  const outcomes: Outcome[] = [];
  let sent = 0;
  const more = (): boolean =>
    performance.now() - started < options.durationMs && (options.maxRequests === undefined || sent < options.maxRequests);

  const client = async (): Promise<void> => {
    while (more()) {
      const { model, endpoint } = options.traffic[Math.floor(options.random() * options.traffic.length)] as Traffic;
      // Embeddings have no stream; their inputs vary so that a short list is caught.
      const stream = endpoint !== 'embedding' && options.random() < (options.streamShare ?? 0.5);
      const plan = {
        user: `soak-${sent}`,
        model,
        endpoint,
        inputs: endpoint === 'embedding' ? 1 + Math.floor(options.random() * 3) : 1,
        stream,
        disconnect: pickDisconnect(options, stream),
        watchdogMs: options.watchdogMs,
      };
      sent += 1;
      const urls = typeof options.url === 'string' ? [options.url] : options.url;
      const url = urls.length === 1 ? (urls[0] as string) : (urls[Math.floor(options.random() * urls.length)] as string);
      const outcome = await sendSoakRequest(dispatcher, url, plan);
      outcomes.push(outcome);
      options.onOutcome?.(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    await dispatcher.close();
  }
  return { sent, outcomes, durationMs: performance.now() - started };
}
