import { ReplaySubject, type Observable, type Subscription, take } from 'rxjs';
import type { HealthReport } from '../health/health-report.js';
import type { Router } from '../router/router.js';

/** Background health checks kept by the proxy: the latest round, served by `GET /health` without probing again. */
export interface BackgroundHealthChecks {
  /** The latest round's report; waits for the first round when none has ended yet. */
  readonly latest$: Observable<HealthReport>;
  /** Stops the timer and aborts the probes in flight. */
  stop(): void;
}

/**
 * Starts LiteLLM's `background_health_checks`: a round of probes at once and every `intervalMs`
 * after (`router.healthChecks$`, on the router's scheduler), each probe reported to its deployment's
 * actor so failing deployments cool. The latest round is kept for `GET /health`, as LiteLLM serves
 * its cached results instead of probing on each request.
 */
export function startBackgroundHealthChecks(router: Router, intervalMs: number): BackgroundHealthChecks {
  const latest = new ReplaySubject<HealthReport>(1);
  const subscription: Subscription = router.healthChecks$(intervalMs).subscribe({
    next: (report) => latest.next(report),
    // A round only errors once the router has closed: the proxy is going away too.
    error: () => undefined,
  });
  return {
    latest$: latest.pipe(take(1)),
    stop: () => subscription.unsubscribe(),
  };
}
