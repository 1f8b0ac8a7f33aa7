import { exhaustMap, type Observable, timer } from 'rxjs';
import type { RouterCore } from '../router/router-core.js';
import type { HealthReport, ProbeOptions } from './health-report.js';
import { probeRound$ } from './probe-round.js';

/**
 * Background health checks (LiteLLM's `background_health_checks`): a round of probes at once, then
 * every `intervalMs` on the router's scheduler, each round's report emitted as it ends. A round still
 * running when the next is due is not doubled: that tick is skipped. Every probe reports to its
 * deployment's actor, so failing deployments cool as they would from calls (DESIGN §6).
 * Unsubscribing stops the timer and aborts the probes in flight.
 */
export function healthChecks$(core: RouterCore, intervalMs: number, options: ProbeOptions = {}): Observable<HealthReport> {
  if (!(intervalMs > 0)) throw new RangeError(`healthChecks$: intervalMs must be > 0, got ${intervalMs}`);
  return timer(0, intervalMs, core.scheduler).pipe(exhaustMap(() => probeRound$(core, options)));
}
