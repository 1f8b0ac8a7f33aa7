import { defer, type Observable, switchMap, throwError, timer } from 'rxjs';
import type { RetryPolicy } from '../config/router-config-schema.js';
import type { Deployment } from '../config/router-settings.js';
import { InternalServerError, NoDeploymentsAvailableError } from '../errors/error-classes.js';
import { exponentialBackoff } from '../policies/backoff.js';
import { recoverBeforeFirstValue } from '../policies/recover-before-first-value.js';
import { defaultRetryWait, type RetryWaitRules } from '../policies/retry-with-backoff.js';
import { attempt$, type CallOutput } from './attempt.js';
import type { CallState } from './call-state.js';
import { fallbackTargets, hasSpecificFallbacks } from './fallback-targets.js';
import { hedgedAttempt$, hedgingOf } from './hedged-attempt.js';
import { canTakeAttempt, pickDeployment } from './pick-deployment.js';
import { allowedRetries, isRetryable } from './retry-rules.js';
import { emit, type RouterCore } from './router-core.js';

/** `retryWithBackoff`'s defaults: a `Retry-After` over a minute is ignored for backoff (500 ms, ×2, ≤ 8 s). */
const maxRetryAfterMs = 60_000;
const backoff = exponentialBackoff();

/** One model group being tried: its retries first, then its fallbacks, depth first. */
interface GroupFrame {
  readonly group: string;
  /** The group this one is a fallback of (a linked stack: no array kept per call). */
  readonly parent: GroupFrame | undefined;
  /** Set once a deployment was picked: the group's attempts can be retried. */
  retries: GroupRetries | undefined;
  /** The group's attempts are over (no retry left): its errors go to its fallbacks. */
  retriesDone: boolean;
  /** Its fallback targets, from the first error that reached them. */
  targets: readonly string[] | undefined;
  index: number;
}

interface GroupRetries {
  current: Deployment;
  next: Deployment | undefined;
  made: number;
  readonly groupSize: number;
  readonly retryPolicy: RetryPolicy | undefined;
}

/**
 * Every attempt of a call (DESIGN §4) as one Observable: the first group's attempts, with retries that
 * re-pick among its healthy deployments (one that goes to another deployment starts at once; one that
 * goes back to the same deployment waits: latest `Retry-After`, else backoff, unless the wait would
 * outlast the deadline); then its fallback groups in order, each with its own retries and fallbacks,
 * depth first. A group is never visited twice in a call and `max_fallbacks` caps the hops in total.
 * Nothing is retried or falls back once a value went out.
 *
 * It is one `recoverBeforeFirstValue` whose handler walks a stack of groups, rather than one per
 * group plus one per group's retries: every layer is a subscriber and closures that an open stream
 * keeps for as long as it runs (bench/stream-memory.mjs).
 */
export function callAttempts$(core: RouterCore, call: CallState): Observable<CallOutput> {
  let top: GroupFrame | undefined;
  const rules: RetryWaitRules = { minDelay: core.settings.retryAfterMs, maxRetryAfter: maxRetryAfterMs, backoff, random: core.random };

  const attemptIn = (retries: GroupRetries): Observable<CallOutput> =>
    defer(() => {
      retries.current = retries.next ?? retries.current;
      const hedging = hedgingOf(core, call, retries.current.group);
      return hedging === undefined ? attempt$(core, call, retries.current) : hedgedAttempt$(core, call, retries.current, hedging);
    });

  /** Starts a group: its first pick, or the error that ends the group before any attempt. */
  const enter = (group: string): Observable<CallOutput> => {
    const frame: GroupFrame = { group, parent: top, retries: undefined, retriesDone: false, targets: undefined, index: 0 };
    top = frame;
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
    let first: Deployment | undefined;
    try {
      first = pickDeployment(core, call, group, false);
    } catch (error) {
      return throwError(() => error);
    }
    if (first === undefined) {
      return throwError(() => new NoDeploymentsAvailableError(`no deployment of model group "${group}" can take the call now`));
    }
    frame.retries = {
      current: first,
      next: first,
      made: 0,
      groupSize: core.settings.groups.get(group)?.length ?? 0,
      retryPolicy: core.settings.modelGroupRetryPolicy[group] ?? core.settings.retryPolicy,
    };
    return attemptIn(frame.retries);
  };

  /** The retry of `frame`'s group after `error`, or undefined when it has none left. */
  const retry = (frame: GroupFrame, retries: GroupRetries, error: unknown): Observable<CallOutput> | undefined => {
    // After a race of hedges (DESIGN §12) the attempt whose error ended it is the one retried from:
    // its `num_retries`, and whether the retry goes back to it.
    if (call.lastFailed !== undefined && call.lastFailed.group === frame.group) retries.current = call.lastFailed;
    const allowed = allowedRetries(error, {
      requestNumRetries: call.request.numRetries,
      retryPolicy: retries.retryPolicy,
      deploymentNumRetries: retries.current.numRetries,
      routerNumRetries: core.settings.numRetries,
    });
    call.maxRetriesInGroup = allowed;
    if (retries.made >= allowed) return undefined;
    const number = retries.made + 1;
    const retryable = isRetryable(error, {
      groupSize: retries.groupSize,
      hasSpecificFallbacks: hasSpecificFallbacks(frame.group, error, call.fallbackLists),
      retryPolicy: retries.retryPolicy,
    });
    if (!retryable) return undefined;
    retries.next = pickDeployment(core, call, frame.group, true);
    if (retries.next === undefined) return undefined;
    const wait = retries.next.id !== retries.current.id ? 0 : defaultRetryWait(error, number, rules);
    if (core.scheduler.now() + wait > call.deadlineAt) return undefined;
    retries.made = number;
    call.retriesInGroup = number;
    emit(core, () => ({ type: 'retry', call: call.id, group: frame.group, retry: number, delayMs: wait, at: core.scheduler.now() }));
    const next$ = attemptIn(retries);
    if (wait === 0) return next$;
    return timer(wait, core.scheduler).pipe(
      switchMap(() => {
        // The wait may have let another call take the deployment's last slot (a half-open one's probe
        // slot, or max_parallel_requests'), or a failure cool it: pick again rather than overfill it.
        const chosen = retries.next as Deployment;
        if (canTakeAttempt(core, chosen)) return next$;
        const other = pickDeployment(core, call, frame.group, true);
        if (other === undefined) return throwError(() => error);
        retries.next = other;
        return next$;
      }),
    );
  };

  /** The next fallback group of `frame`'s group after `error`, or undefined when it has none left. */
  const fallback = (frame: GroupFrame, error: unknown): Observable<CallOutput> | undefined => {
    if (call.request.disableFallbacks) return undefined;
    frame.targets ??= fallbackTargets(frame.group, error, call.fallbackLists);
    while (frame.index < frame.targets.length) {
      const target = frame.targets[frame.index++] as string;
      if (call.visited.includes(target)) continue;
      if (call.hops >= core.settings.maxFallbacks) return undefined;
      call.visited.push(target);
      call.hops += 1;
      emit(core, () => ({ type: 'fallback', call: call.id, from: frame.group, to: target, at: core.scheduler.now() }));
      // Entered when subscribed, as a group's first pick always is: after the failed attempt is torn down.
      return defer(() => enter(target));
    }
    return undefined;
  };

  return recoverBeforeFirstValue(
    defer(() => enter(call.request.group)),
    (error) => {
      // The innermost group first; a group with nothing left hands the error to the one it is a
      // fallback of, which goes on with its next fallback (its own retries were over before).
      for (let frame = top; frame !== undefined; frame = top) {
        if (!frame.retriesDone && frame.retries !== undefined) {
          const again = retry(frame, frame.retries, error);
          if (again !== undefined) return again;
        }
        frame.retriesDone = true;
        const next = fallback(frame, error);
        if (next !== undefined) return next;
        top = frame.parent;
      }
      return undefined;
    },
  );
}
