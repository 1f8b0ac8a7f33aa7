import { maxTimerMs } from '../config/limits.js';
import { assertCount } from '../policies/validate.js';

/** The server's limits on receiving a request, in ms (0: none). */
export interface ReceiveTimeouts {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

const defaultHeadersTimeoutMs = 30_000;
const defaultRequestTimeoutMs = 300_000;
/** Node looks for requests past their time on an interval (30 s by default): a limit fires up to one interval late. */
const maxCheckingIntervalMs = 1_000;

/**
 * `headersTimeoutMs` (default 30 s) and `requestTimeoutMs` (default 300 s) with their defaults applied,
 * checked when the server is created: Node would reject some (fractions, headers longer than the
 * request) with a less helpful message, and a delay past 2^31 - 1 ms would fire at once.
 */
export function receiveTimeouts(options: { readonly [K in keyof ReceiveTimeouts]?: number | undefined }): ReceiveTimeouts {
  const headersTimeoutMs = options.headersTimeoutMs ?? defaultHeadersTimeoutMs;
  const requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  for (const [option, value] of [
    ['headersTimeoutMs', headersTimeoutMs],
    ['requestTimeoutMs', requestTimeoutMs],
  ] as const) {
    assertCount('createProxyServer', option, value);
    if (value > maxTimerMs) throw new TypeError(`createProxyServer: ${option} must be at most ${maxTimerMs} ms (the longest timer Node can set), got ${value}`);
  }
  if (requestTimeoutMs > 0 && headersTimeoutMs > requestTimeoutMs) {
    throw new TypeError(`createProxyServer: headersTimeoutMs must be at most requestTimeoutMs (${requestTimeoutMs}), got ${headersTimeoutMs}`);
  }
  return { headersTimeoutMs, requestTimeoutMs };
}

/** Node's `connectionsCheckingInterval`: a quarter of the shorter limit, at most 1 s, so that no limit fires later than that. */
export function checkingIntervalMs({ headersTimeoutMs, requestTimeoutMs }: ReceiveTimeouts): number {
  const shorter = Math.min(...[headersTimeoutMs, requestTimeoutMs].filter((ms) => ms > 0));
  return Number.isFinite(shorter) ? Math.max(1, Math.min(maxCheckingIntervalMs, Math.floor(shorter / 4))) : maxCheckingIntervalMs;
}
