import { Observable, type Subscription } from 'rxjs';
import { BadRequestError, NotFoundError, ServiceUnavailableError } from '../errors/error-classes.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { RouterRequest } from '../protocol/chat.js';
import type { CallOutput } from './attempt.js';
import { callAttempts$ } from './call-attempts.js';
import { CallState } from './call-state.js';
import type { CallKind } from './call-kind.js';
import { type AnyRouterRequest, parseRequest } from './parse-request.js';
import type { CallInfo } from './router-events.js';
import { emit, type RouterCore } from './router-core.js';

let callCount = 0;

/** The request's fallback targets, each with the `param` that names it (`fallbacks[1]`, `fallbacks[0].gpt-4o[2]`). */
function fallbackParams(fallbacks: RouterRequest['fallbacks']): [param: string, group: string][] {
  return (fallbacks ?? []).flatMap((item, index): [string, string][] =>
    typeof item === 'string'
      ? [[`fallbacks[${index}]`, item]]
      : Object.entries(item).flatMap(([from, targets]) =>
          targets.map((target, position): [string, string] => [`fallbacks[${index}].${from}[${position}]`, target]),
        ),
  );
}

/** 404 for an unknown model group; 400 naming the item for a per-request fallback to one (`request` is already valid). */
function checkGroups(core: RouterCore, call: CallState, request: RouterRequest): void {
  const groups = core.settings.groups;
  const group = call.request.group;
  if (!groups.has(group)) {
    throw new NotFoundError(`model "${group}" is not a model group of this router (known: ${[...groups.keys()].join(', ')})`, {
      code: 'model_not_found',
      param: 'model',
    });
  }
  for (const [param, target] of fallbackParams(request.fallbacks)) {
    if (!groups.has(target)) {
      throw new BadRequestError(`${param}: unknown model group "${target}"`, { code: 'invalid_request', param });
    }
  }
}

/** A call validated and set up, or why it cannot run. */
function startCall(core: RouterCore, kind: CallKind, request: RouterRequest): CallState {
  // Checked on subscribe: the Observable is cold and may have been made before close().
  if (core.lifecycle.closed) throw new ServiceUnavailableError('the router is closed', { code: 'router_closed' });
  const { settings, scheduler } = core;
  let parsed = parseRequest(request, kind);
  // `model_group_alias`: the name asked for stands for a group (LiteLLM's `{ "gpt-4": "gpt-4o" }`).
  const alias = settings.modelGroupAlias.size === 0 ? undefined : settings.modelGroupAlias.get(parsed.group);
  if (alias !== undefined) parsed = { ...parsed, group: alias.group };
  const timeoutMs = parsed.timeoutMs ?? settings.timeoutMs;
  const call = new CallState(
    ++callCount,
    parsed,
    {
      fallbacks: parsed.fallbacks ?? settings.fallbacks,
      defaultFallbacks: settings.defaultFallbacks,
      contextWindowFallbacks: settings.contextWindowFallbacks,
      contentPolicyFallbacks: settings.contentPolicyFallbacks,
    },
    timeoutMs,
    scheduler.now() + timeoutMs,
    timeoutMs >= settings.timeoutMs,
  );
  checkGroups(core, call, request);
  return call;
}

/**
 * What `onCommit` is told. A class rather than an object literal: a proxy keeps it for the whole
 * request, and V8 pretenured the literal (allocated 96% of them straight in the old generation under
 * the bench's load), so that what it pointed at outlived the request (bench/README.md, "GC").
 * Instances of a class are not pretenured.
 */
class CommittedCall implements CallInfo {
  constructor(
    readonly deployment: string,
    readonly group: string,
    readonly attemptedRetries: number,
    readonly attemptedFallbacks: number,
    readonly attempts: number,
    readonly timeoutMs: number,
    readonly maxRetries: number,
    readonly upstreamMs: number,
  ) {}
}

/**
 * A whole call as one cold Observable (DESIGN §1): validate, resolve the group, run its attempts and
 * fallbacks under the call's deadline, and end in one result or one typed error carrying every attempt.
 *
 * It is one subscriber rather than `defer` + `deadline` + `catchError` + `tap`: a proxy pays for each
 * layer on every request (bench/README.md), and the deadline, the final error and the commit all need
 * the same call state anyway. `deadline()` stays exported for callers composing their own pipelines.
 */
export function call$(core: RouterCore, kind: CallKind, request: AnyRouterRequest, onCommit?: (info: CallInfo) => void): Observable<CallOutput> {
  return new Observable<CallOutput>((subscriber) => {
    let call: CallState;
    try {
      call = startCall(core, kind, request as RouterRequest);
    } catch (error) {
      subscriber.error(toRxllmError(error));
      return undefined;
    }
    const { scheduler } = core;
    const startedAt = call.deadlineAt - call.timeoutMs;
    emit(core, () => ({ type: 'callStarted', call: call.id, kind: call.request.kind.name, group: call.request.group, stream: call.request.stream, at: startedAt }));
    let committed = false;
    // Set when the call completed or errored: a teardown without it is the caller leaving.
    let ended = false;
    const failWith = (raw: RxllmError): void => {
      ended = true;
      const error = call.finalError(raw);
      emit(core, () => {
        const at = scheduler.now();
        return {
          type: 'callFailed',
          call: call.id,
          requestedGroup: call.request.group,
          deployment: error.attempts[error.attempts.length - 1]?.deployment,
          at,
          latencyMs: at - startedAt,
          status: error.status,
          code: error.code,
          attempts: error.attempts.length,
          fallbacks: call.hops,
          committed,
        };
      });
      subscriber.error(error);
    };
    // Told once: before the first value, or at completion when the answer was empty (a stream of
    // nothing but `[DONE]`), so that a caller writing headers always learns who answered.
    const commit = (): void => {
      if (committed) return;
      committed = true;
      const answered = call.committedTo;
      if (onCommit === undefined || answered === undefined) return;
      const maxRetries = call.maxRetriesInGroup ?? call.request.numRetries ?? answered.numRetries ?? core.settings.numRetries;
      const upstreamMs = scheduler.now() - (call.committedStartedAt ?? scheduler.now());
      onCommit(
        new CommittedCall(answered.id, answered.group, call.retriesInGroup, call.hops, call.records.length + 1, call.timeoutMs, maxRetries, upstreamMs),
      );
    };
    // The attempts' subscription itself, no container: an open stream keeps its call's objects.
    let attempts: Subscription | undefined;
    // The deadline errors, never completes early. Its error is made while the attempts are still live,
    // so that it can list the one it cuts; they are unsubscribed (their requests aborted) before the
    // error goes out, so whatever reacts to it never overlaps them.
    const deadlineTimer = scheduler.schedule(() => {
      const error = call.deadlineError(scheduler.now());
      attempts?.unsubscribe();
      failWith(error);
    }, call.timeoutMs);
    attempts = callAttempts$(core, call).subscribe({
      next: (value) => {
        commit();
        subscriber.next(value);
      },
      error: (error: unknown) => failWith(toRxllmError(error)),
      complete: () => {
        ended = true;
        commit();
        subscriber.complete();
      },
    });
    return () => {
      deadlineTimer.unsubscribe();
      attempts?.unsubscribe();
      if (!ended) {
        emit(core, () => {
          const at = scheduler.now();
          return { type: 'callCancelled', call: call.id, requestedGroup: call.request.group, at, latencyMs: at - startedAt };
        });
      }
    };
  });
}
