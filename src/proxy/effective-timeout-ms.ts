import type { IncomingHttpHeaders } from 'node:http';
import { maxDurationSeconds } from '../config/limits.js';
import { secondsToMs } from '../config/router-settings.js';
import { positiveSeconds } from './positive-seconds.js';

/** Seconds the router would take as a deadline: positive, and no longer than a timer can wait. */
function deadlineSeconds(value: unknown): number | undefined {
  const seconds = positiveSeconds(value);
  return seconds !== undefined && seconds <= maxDurationSeconds ? seconds : undefined;
}

/**
 * The call's deadline (ms) as the router applies it: the request's `timeout` (after the timeout
 * headers were merged in), else the router's. Used for `x-litellm-timeout` on errors.
 */
export function effectiveTimeoutMs(body: Readonly<Record<string, unknown>>, routerTimeoutMs: number): number {
  const requested = deadlineSeconds(body['timeout']);
  return requested === undefined ? routerTimeoutMs : secondsToMs(requested);
}

/**
 * The deadline (ms) of a chat request answered before its body could be used (not read, not JSON,
 * refused): the `x-litellm-timeout` header when it is valid, else the router's.
 */
export function headerTimeoutMs(headers: IncomingHttpHeaders, routerTimeoutMs: number): number {
  const requested = deadlineSeconds(headers['x-litellm-timeout']);
  return requested === undefined ? routerTimeoutMs : secondsToMs(requested);
}
