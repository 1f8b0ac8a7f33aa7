import { secondsToMs } from '../config/router-settings.js';
import { positiveSeconds } from './positive-seconds.js';

/**
 * The call's deadline (ms) as the router applies it: the request's `timeout` (after the timeout
 * headers were merged in), else the router's. Used for `x-litellm-timeout` on errors.
 */
export function effectiveTimeoutMs(body: Readonly<Record<string, unknown>>, routerTimeoutMs: number): number {
  const requested = positiveSeconds(body['timeout']);
  return requested === undefined ? routerTimeoutMs : secondsToMs(requested);
}
