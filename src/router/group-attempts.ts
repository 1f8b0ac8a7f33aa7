import { defer, type Observable, throwError } from 'rxjs';
import type { Deployment } from '../config/router-settings.js';
import { InternalServerError, NoDeploymentsAvailableError } from '../errors/error-classes.js';
import { retryWithBackoff } from '../policies/retry-with-backoff.js';
import { attempt$, type CallOutput } from './attempt.js';
import type { CallState } from './call-state.js';
import { hasSpecificFallbacks } from './fallback-targets.js';
import { pickDeployment } from './pick-deployment.js';
import { allowedRetries, isRetryable } from './retry-rules.js';
import { emit, type RouterCore } from './router-core.js';

/**
 * The attempts of one call within one model group (DESIGN §4): the first attempt, then retries that
 * re-pick among the group's healthy deployments. A retry that goes to another deployment starts at
 * once; one that goes back to the same deployment waits (latest `Retry-After`, else backoff), unless
 * the wait would outlast the call's deadline.
 */
export function groupAttempts$(core: RouterCore, call: CallState, group: string): Observable<CallOutput> {
  return defer(() => {
    call.enterGroup();
    const request = call.request;
    if (request.mockTestingFallbacks && group === request.group) {
      return throwError(
        () =>
          new InternalServerError(`mock_testing_fallbacks: model group "${group}" failed on purpose so that its fallbacks run`, {
            code: 'mock_testing_fallbacks',
          }),
      );
    }
    let next = pickDeployment(core, call, group, false);
    if (next === undefined) {
      throw new NoDeploymentsAvailableError(`no deployment of model group "${group}" can take the call now`);
    }
    let current: Deployment = next;
    const groupSize = core.settings.groups.get(group)?.length ?? 0;
    const retryPolicy = core.settings.modelGroupRetryPolicy[group] ?? core.settings.retryPolicy;

    return defer(() => {
      current = next ?? current;
      return attempt$(core, call, current);
    }).pipe(
      retryWithBackoff<CallOutput>({
        count: (error) => {
          const allowed = allowedRetries(error, {
            requestNumRetries: request.numRetries,
            retryPolicy,
            deploymentNumRetries: current.numRetries,
            routerNumRetries: core.settings.numRetries,
          });
          call.maxRetriesInGroup = allowed;
          return allowed;
        },
        shouldRetry: (error) => {
          const retryable = isRetryable(error, {
            groupSize,
            hasSpecificFallbacks: hasSpecificFallbacks(group, error, call.fallbackLists),
            retryPolicy,
          });
          if (!retryable) return false;
          next = pickDeployment(core, call, group, true);
          return next !== undefined;
        },
        delay: () => (next !== undefined && next.id !== current.id ? 0 : undefined),
        deadline: () => call.deadlineAt,
        minDelay: core.settings.retryAfterMs,
        onRetry: ({ retry, delay }) => {
          call.retriesInGroup = retry;
          emit(core, () => ({ type: 'retry', call: call.id, group, retry, delayMs: delay, at: core.scheduler.now() }));
        },
        scheduler: core.scheduler,
        random: core.random,
      }),
    );
  });
}
