import { Observable, type Subscription } from 'rxjs';
import type { Deployment } from '../config/router-settings.js';
import { cooldownLengthMs } from '../deployments/cooldown-length.js';
import type { DeploymentMessage } from '../deployments/deployment-message.js';
import { failureKind } from '../deployments/failure-kind.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import { APIConnectionError, RequestTimeoutError } from '../errors/error-classes.js';
import { formatSeconds } from '../policies/format-seconds.js';
import { StreamClocks } from '../policies/stream-clocks.js';
import type { CallOutput } from './call-kind.js';
import { mockResponse$, mockTimeout$ } from '../providers/mock-provider.js';
import type { ProviderRequest } from '../providers/provider.js';
import { attemptClocks } from './attempt-clocks.js';
import type { CallState } from './call-state.js';
import { emit, type RouterCore } from './router-core.js';

export type { CallOutput } from './call-kind.js';

type AttemptFailure = Extract<DeploymentMessage, { type: 'attemptFailed' }>['error'];

/** `mock_timeout`: the deployment's own, or the request's for its own group (fallback groups run for real, DESIGN §3). */
function isMockHang(call: CallState, deployment: Deployment): boolean {
  return deployment.mockTimeout || (call.request.mockTimeout && deployment.group === call.request.group);
}

/** The provider call for one attempt: a mock when the request or deployment asks for one, else the provider. */
function providerCall$(core: RouterCore, call: CallState, deployment: Deployment): Observable<CallOutput> {
  const request = call.request;
  const providerRequest: ProviderRequest = {
    deployment,
    // The deployment's defaults (`litellm_params.temperature`, ...) under the request's own fields.
    body: deployment.requestDefaults === undefined ? { ...request.body, model: deployment.model } : { ...deployment.requestDefaults, ...request.body, model: deployment.model },
    stream: request.stream,
    kind: request.kind.name,
  };
  if (isMockHang(call, deployment)) return mockTimeout$();
  const mock = request.mockResponse ?? deployment.mockResponse;
  if (mock !== undefined) return mockResponse$(providerRequest, mock, () => core.scheduler.now());
  return core.provider.call(providerRequest);
}

/**
 * DESIGN §6: request `cooldown_time` > deployment > the error's `Retry-After` > router (5 s); 0 disables.
 * A router-wide `cooldown_time: 0` means "never cool" and is not overridden by a provider's Retry-After.
 */
function cooldownMs(core: RouterCore, call: CallState, deployment: Deployment, retryAfter: number | undefined): number {
  return cooldownLengthMs(call.request.cooldownTimeMs, deployment.cooldownTimeMs, core.settings.cooldownTimeMs, retryAfter);
}

/** Tokens a value reports: an embedding's usage has no completion tokens. */
interface ReportedUsage {
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly total_tokens: number;
}

function usageOf(value: CallOutput): ReportedUsage | undefined {
  return value.usage ?? undefined;
}

/**
 * One attempt at one deployment: a cold Observable around the provider call, guarded by the attempt's
 * clocks (DESIGN §3), that reports to the deployment's actor (started, first chunk, succeeded, failed,
 * cancelled) and to the call's record. Errors come out as `RxllmError`s.
 */
export function attempt$(core: RouterCore, call: CallState, deployment: Deployment): Observable<CallOutput> {
  // One subscriber for the attempt, its report to the actor and (non-streaming) its cap: a proxy pays
  // for every layer on every request (bench/README.md). `attemptTimeout()` stays exported as the
  // operator for pipelines of one's own; this is the same clock inline.
  return new Observable<CallOutput>((subscriber) => {
    const { scheduler, store } = core;
    const startedAt = scheduler.now();
    const attempt = call.startAttempt(deployment, startedAt);
    store.send(deployment.id, { type: 'attemptStarted' });
    // Every attempt that starts while its deployment is half-open is a probe (DESIGN §12); its end
    // names the spell it probed, so that it frees that spell's slot and no later one's.
    const probeOf = store.get(deployment.id).halfOpen?.since;
    emit(core, () => ({ type: 'attemptStarted', call: call.id, group: deployment.group, deployment: deployment.id, at: startedAt }));

    const clocks = attemptClocks(deployment, core.settings, call.request);
    const stream = call.request.stream;
    // A mock hang answers nothing on purpose: whatever clock cuts it says nothing about the deployment.
    const hung = isMockHang(call, deployment);

    let ttftMs: number | undefined;
    let chunks = 0;
    let usage: ReportedUsage | undefined;

    // The event goes out before the message: the message may start a cooldown, whose event must follow.
    // A failure that says nothing about the deployment (DESIGN §6) is still the call's failure (its
    // record, its event), but the actor hears of it as a cancellation: no window, no cooldown.
    const reportFailure = (at: number, failure: AttemptFailure, retryAfter: number | undefined, counted: boolean): void => {
      emit(core, () => ({
        type: 'attemptFailed',
        call: call.id,
        group: deployment.group,
        deployment: deployment.id,
        at,
        latencyMs: at - startedAt,
        status: failure.status,
        code: failure.code,
        counted,
      }));
      if (!counted) {
        store.send(deployment.id, { type: 'attemptCancelled', probeOf });
        return;
      }
      store.send(deployment.id, {
        type: 'attemptFailed',
        error: failure,
        latencyMs: at - startedAt,
        cooldownMs: cooldownMs(core, call, deployment, retryAfter),
        probeOf,
      });
    };

    const fail = (raw: unknown, counted = !hung): void => {
      const error = toRxllmError(raw);
      const at = scheduler.now();
      if (call.failAttempt(attempt, error, at)) {
        reportFailure(at, { kind: failureKind(error), status: error.status, code: error.code }, error.retryAfter, counted);
      }
      subscriber.error(error);
    };

    const succeed = (): void => {
      const at = scheduler.now();
      if (call.committedTo === undefined) {
        call.committedTo = deployment;
        call.committedStartedAt = startedAt;
      }
      if (!call.closeAttempt(attempt)) return;
      const outputTokens = usage?.completion_tokens ?? (stream ? chunks : 0);
      store.send(deployment.id, {
        type: 'attemptSucceeded',
        latencyMs: at - startedAt,
        ttftMs: stream ? ttftMs : undefined,
        outputTokens,
        tokens: usage?.total_tokens ?? outputTokens,
        probeOf,
      });
      emit(core, () => ({
        type: 'attemptSucceeded',
        call: call.id,
        group: deployment.group,
        deployment: deployment.id,
        at,
        latencyMs: at - startedAt,
        ttftMs,
      }));
      // The answer is whole: this attempt's success is the call's (it completes right after).
      emit(core, () => {
        const callStartedAt = call.deadlineAt - call.timeoutMs;
        return {
          type: 'callSucceeded',
          call: call.id,
          requestedGroup: call.request.group,
          group: deployment.group,
          deployment: deployment.id,
          at,
          latencyMs: at - callStartedAt,
          upstreamMs: at - startedAt,
          ttftMs: stream ? ttftMs : undefined,
          inputTokens: usage?.prompt_tokens,
          outputTokens: usage?.completion_tokens ?? (stream ? chunks : undefined),
          attempts: call.records.length + 1,
          retries: call.retriesInGroup,
          fallbacks: call.hops,
        };
      });
    };

    let source: Observable<CallOutput>;
    try {
      source = providerCall$(core, call, deployment);
    } catch (error) {
      // A provider that throws instead of returning an Observable still ends the attempt, reported.
      fail(error);
      return undefined;
    }
    // The source's own subscription (no container) and the non-streaming cap's timer: an open stream
    // keeps its attempt's objects for as long as it runs.
    let sourceSubscription: Subscription | undefined;
    let attemptTimer: Subscription | undefined;
    // Streaming: the first-chunk and idle clocks (DESIGN §3) run inline, as `streamTimeouts` runs them,
    // rather than as one more operator: every open stream keeps one subscriber fewer. A clock that
    // runs out aborts the request before its error goes out.
    const streamClocks = stream
      ? new StreamClocks<CallOutput>(
          clocks.firstChunkMs,
          clocks.idleMs,
          scheduler,
          (error) => {
            sourceSubscription?.unsubscribe();
            const counted = error.code === 'first_chunk_timeout' ? clocks.firstChunkCounts : clocks.idleCounts;
            fail(error, counted && !hung);
          },
          call.request.kind.isContent,
        )
      : undefined;
    // Non-streaming: `attempt_timeout` caps the whole attempt. The request is aborted before the error
    // goes out, as `timeout` does, so a retry never overlaps the attempt it gives up.
    if (clocks.attemptMs !== undefined && !stream) {
      const ms = clocks.attemptMs;
      attemptTimer = scheduler.schedule(() => {
        sourceSubscription?.unsubscribe();
        fail(new RequestTimeoutError(`the attempt did not complete within ${formatSeconds(ms)} s`, { code: 'attempt_timeout' }));
      }, ms);
    }
    const deliverChunk = (value: CallOutput): void => {
      chunks += 1;
      if (ttftMs === undefined) {
        ttftMs = scheduler.now() - startedAt;
        call.committedTo = deployment;
        call.committedStartedAt = startedAt;
        store.send(deployment.id, { type: 'firstChunk', ttftMs });
      }
      usage = usageOf(value) ?? usage;
      subscriber.next(value);
    };
    // Non-streaming: the completion is the whole answer. The attempt succeeds as it arrives, and the
    // call completes with it: what the provider does after (completing later, or never) cannot turn a
    // delivered answer into a failure, and a caller that stops at the first value (`firstValueFrom`)
    // still has its success counted (DESIGN §6).
    const deliverCompletion = (value: CallOutput): void => {
      if (subscriber.closed) return;
      attemptTimer?.unsubscribe();
      ttftMs = scheduler.now() - startedAt;
      chunks = 1;
      usage = usageOf(value);
      call.committedTo = deployment;
      call.committedStartedAt = startedAt;
      succeed();
      subscriber.next(value);
      subscriber.complete();
    };
    sourceSubscription = source.subscribe({
      next: streamClocks === undefined ? deliverCompletion : (value) => streamClocks.chunk(value, deliverChunk),
      error: (error: unknown) => fail(error),
      complete: () => {
        // A synchronous source completing after its answer went out: the attempt is over already.
        if (subscriber.closed) return;
        if (streamClocks === undefined) {
          // Reached only when no completion came: an empty answer is the upstream's fault, retried.
          fail(new APIConnectionError('the provider completed without an answer', { code: 'empty_response' }));
          return;
        }
        streamClocks.complete(deliverChunk);
        succeed();
        subscriber.complete();
      },
    });
    // The source answered (or failed) synchronously: its subscription came back after the teardown ran.
    if (subscriber.closed) sourceSubscription.unsubscribe();
    else streamClocks?.start();
    return () => {
      attemptTimer?.unsubscribe();
      streamClocks?.stop();
      sourceSubscription?.unsubscribe();
      // Still open here means nobody reported an outcome: the deadline cut it, or the caller left.
      if (!call.closeAttempt(attempt)) return;
      const at = scheduler.now();
      if (call.deadlineFired) {
        reportFailure(at, { kind: 'timeout', status: 408, code: 'deadline_exceeded' }, undefined, call.deadlineCounts && !hung);
        return;
      }
      // Another attempt of this call answered while this one was in flight: it lost a hedge race (DESIGN §12).
      if (call.committedTo !== undefined && call.committedTo !== deployment) call.loseHedge(attempt, at);
      emit(core, () => ({
        type: 'attemptCancelled',
        call: call.id,
        group: deployment.group,
        deployment: deployment.id,
        at,
        latencyMs: at - startedAt,
      }));
      store.send(deployment.id, { type: 'attemptCancelled', probeOf });
    };
  });
}
