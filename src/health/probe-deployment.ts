import { defer, map, type Observable, of, catchError, finalize, take, throwIfEmpty, timeout, throwError } from 'rxjs';
import type { Deployment } from '../config/router-settings.js';
import { failureKind } from '../deployments/failure-kind.js';
import { APIConnectionError, RequestTimeoutError } from '../errors/error-classes.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import { formatSeconds } from '../policies/format-seconds.js';
import { mockResponse$, mockTimeout$ } from '../providers/mock-provider.js';
import type { CallOutput } from '../router/call-kind.js';
import type { RouterCore } from '../router/router-core.js';
import { defaultHealthCheckTimeoutMs, type DeploymentProbe, type ProbeOptions } from './health-report.js';
import { cooldownLengthMs } from '../deployments/cooldown-length.js';
import { probeRequest } from './probe-request.js';

/** The probe's call, straight to the deployment's provider: no routing, retries or fallbacks. Mocks answer (or hang) as they do for calls. */
function providerCall$(core: RouterCore, deployment: Deployment): Observable<CallOutput> {
  const request = probeRequest(deployment);
  if (deployment.mockTimeout) return mockTimeout$();
  if (deployment.mockResponse !== undefined) return mockResponse$(request, deployment.mockResponse, () => core.scheduler.now());
  return core.provider.call(request);
}

function outputTokens(output: CallOutput): { output: number; total: number } {
  // An embedding's usage has no completion tokens.
  const usage = (output.usage ?? undefined) as { readonly completion_tokens?: number; readonly total_tokens?: number } | undefined;
  const completion = usage?.completion_tokens ?? 0;
  return { output: completion, total: usage?.total_tokens ?? completion };
}

/**
 * Probes one deployment: its minimal call (`probeRequest`), under `model_info.health_check_timeout`
 * (else `options.timeoutMs`, else 60 s), answered as a `DeploymentProbe` that never errors. Unless
 * `options.report` is false, the deployment's actor hears of it as of any attempt (started, then
 * succeeded or failed, so its totals stay balanced): a failure counts for cooldowns by the rules of
 * DESIGN §6, except a `mock_timeout` hang, which says nothing about the deployment (cancelled).
 * Unsubscribing aborts the request; the actor then hears of a cancellation.
 */
export function probeDeployment$(core: RouterCore, deployment: Deployment, options: ProbeOptions = {}): Observable<DeploymentProbe> {
  return defer(() => {
    const { scheduler, store } = core;
    const report = options.report !== false;
    const timeoutMs = deployment.healthCheckTimeoutMs ?? options.timeoutMs ?? defaultHealthCheckTimeoutMs;
    const startedAt = scheduler.now();
    let settled = false;
    if (report) store.send(deployment.id, { type: 'attemptStarted' });

    const healthy = (output: CallOutput): DeploymentProbe => {
      settled = true;
      const latencyMs = scheduler.now() - startedAt;
      if (report) {
        const tokens = outputTokens(output);
        store.send(deployment.id, { type: 'attemptSucceeded', latencyMs, ttftMs: undefined, outputTokens: tokens.output, tokens: tokens.total });
      }
      return { deployment, healthy: true, latencyMs };
    };
    const unhealthy = (raw: unknown): Observable<DeploymentProbe> => {
      settled = true;
      const error = toRxllmError(raw);
      const latencyMs = scheduler.now() - startedAt;
      if (report && deployment.mockTimeout) store.send(deployment.id, { type: 'attemptCancelled' });
      else if (report) {
        store.send(deployment.id, {
          type: 'attemptFailed',
          error: { kind: failureKind(error), status: error.status, code: error.code },
          latencyMs,
          cooldownMs: cooldownLengthMs(undefined, deployment.cooldownTimeMs, core.settings.cooldownTimeMs, error.retryAfter),
        });
      }
      return of({ deployment, healthy: false, latencyMs, error });
    };

    return providerCall$(core, deployment).pipe(
      take(1),
      throwIfEmpty(() => new APIConnectionError('the provider completed without an answer', { code: 'empty_response' })),
      timeout({
        first: timeoutMs,
        scheduler,
        with: () =>
          throwError(
            () => new RequestTimeoutError(`the health check did not answer within ${formatSeconds(timeoutMs)} s`, { code: 'health_check_timeout' }),
          ),
      }),
      map(healthy),
      catchError(unhealthy),
      finalize(() => {
        if (!settled && report) store.send(deployment.id, { type: 'attemptCancelled' });
      }),
    );
  });
}
