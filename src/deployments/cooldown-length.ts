import { maxTimerMs } from '../config/limits.js';

/**
 * How long a failure cools its deployment (DESIGN §6 precedence): the request's `cooldown_time`,
 * else the deployment's, else the error's `Retry-After` (seconds), else the router's; a router-wide
 * 0 means never, whatever the provider says. A health probe has no request level (`requestMs`
 * undefined).
 */
export function cooldownLengthMs(
  requestMs: number | undefined,
  deploymentMs: number | undefined,
  routerMs: number,
  retryAfter: number | undefined,
): number {
  const explicit = requestMs ?? deploymentMs;
  if (explicit !== undefined) return explicit;
  if (routerMs === 0) return 0;
  // A provider's Retry-After may be far off (an HTTP-date); a timer cannot wait longer than maxTimerMs.
  return retryAfter !== undefined && retryAfter > 0 ? Math.min(retryAfter * 1000, maxTimerMs) : routerMs;
}
