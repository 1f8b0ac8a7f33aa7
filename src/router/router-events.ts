import type { CallKindName } from './call-kind.js';

/**
 * What the router reports on `router.events$`: one typed stream for logs, metrics and dashboards.
 * `call` numbers the router's calls, so one call's events can be grouped.
 */
export type RouterEvent =
  | { readonly type: 'attemptStarted'; readonly call: number; readonly group: string; readonly deployment: string; readonly at: number }
  | {
      readonly type: 'attemptSucceeded';
      readonly call: number;
      readonly group: string;
      readonly deployment: string;
      readonly at: number;
      readonly latencyMs: number;
      readonly ttftMs: number | undefined;
    }
  | {
      readonly type: 'attemptFailed';
      readonly call: number;
      readonly group: string;
      readonly deployment: string;
      readonly at: number;
      readonly latencyMs: number;
      readonly status: number;
      readonly code: string;
      /**
       * Whether the failure counted against the deployment's health (DESIGN §6). False when a clock
       * the request chose (shorter than the configuration's) or a mock hang cut the attempt: the
       * call failed, the deployment did not.
       */
      readonly counted: boolean;
    }
  /** The caller unsubscribed while the attempt was in flight: it was aborted, with no verdict on the deployment. */
  | {
      readonly type: 'attemptCancelled';
      readonly call: number;
      readonly group: string;
      readonly deployment: string;
      readonly at: number;
      readonly latencyMs: number;
    }
  | { readonly type: 'retry'; readonly call: number; readonly group: string; readonly retry: number; readonly delayMs: number; readonly at: number }
  /**
   * DESIGN §12: the attempt(s) of the call had no first content chunk after `afterMs`, so one more
   * started at `deployment` (the `hedge`-th of this attempt); its own `attemptStarted` follows.
   */
  | {
      readonly type: 'hedgeStarted';
      readonly call: number;
      readonly group: string;
      readonly deployment: string;
      readonly hedge: number;
      readonly afterMs: number;
      readonly at: number;
    }
  /** A hedge was due but did not start: the group's `hedge_budget` was spent, or no other deployment could take it. */
  | { readonly type: 'hedgeSkipped'; readonly call: number; readonly group: string; readonly reason: 'budget' | 'no_deployment'; readonly at: number }
  /**
   * Of a call's racing attempts, `winner` delivered content first; `losers` (still in flight) are
   * aborted in this tick, each then reported `attemptCancelled`, never failed.
   */
  | { readonly type: 'hedgeWon'; readonly call: number; readonly group: string; readonly winner: string; readonly losers: readonly string[]; readonly at: number }
  | { readonly type: 'fallback'; readonly call: number; readonly from: string; readonly to: string; readonly at: number }
  | {
      readonly type: 'cooldownStarted';
      readonly group: string;
      readonly deployment: string;
      readonly until: number;
      readonly reason: string | undefined;
      readonly at: number;
    }
  /** The cooldown is over: the deployment is half-open (DESIGN §12), or healthy with `cooldown_probe_requests: 0`. */
  | { readonly type: 'cooldownEnded'; readonly group: string; readonly deployment: string; readonly at: number }
  /** A call passed validation and starts (its first attempt follows). `group` is the model group asked for, aliases resolved. */
  | { readonly type: 'callStarted'; readonly call: number; readonly kind: CallKindName; readonly group: string; readonly stream: boolean; readonly at: number }
  /**
   * The call's answer is whole: told by the attempt that gave it, right after its `attemptSucceeded`.
   * `latencyMs` is the whole call's, `upstreamMs` the answering attempt's; `ttftMs` is set for streams only.
   */
  | {
      readonly type: 'callSucceeded';
      readonly call: number;
      readonly requestedGroup: string;
      readonly group: string;
      readonly deployment: string;
      readonly at: number;
      readonly latencyMs: number;
      readonly upstreamMs: number;
      readonly ttftMs: number | undefined;
      readonly inputTokens: number | undefined;
      readonly outputTokens: number | undefined;
      readonly attempts: number;
      readonly retries: number;
      readonly fallbacks: number;
    }
  /**
   * The call ended in an error (its final one). `committed`: a value had gone out before it, so the
   * caller got a broken stream rather than an error status. `deployment`: the last one tried, if any.
   */
  | {
      readonly type: 'callFailed';
      readonly call: number;
      readonly requestedGroup: string;
      readonly deployment: string | undefined;
      readonly at: number;
      readonly latencyMs: number;
      readonly status: number;
      readonly code: string;
      readonly attempts: number;
      readonly fallbacks: number;
      readonly committed: boolean;
    }
  /** The caller unsubscribed before the call ended. */
  | { readonly type: 'callCancelled'; readonly call: number; readonly requestedGroup: string; readonly at: number; readonly latencyMs: number }
  /** An attempt started at a half-open deployment; `probesInFlight` counts it. */
  | { readonly type: 'probeStarted'; readonly group: string; readonly deployment: string; readonly at: number; readonly probesInFlight: number }
  /** A probe succeeded: the deployment takes all traffic again. */
  | { readonly type: 'probeSucceeded'; readonly group: string; readonly deployment: string; readonly at: number }
  /** A probe failed in a way that counts: the deployment cools again at once, for `cooldownMs` (until `until`). */
  | {
      readonly type: 'probeFailed';
      readonly group: string;
      readonly deployment: string;
      readonly at: number;
      readonly code: string;
      readonly cooldownMs: number;
      readonly until: number;
    };

/** Told to `onCommit` when a call's first chunk (or its completion) is about to be emitted. */
export interface CallInfo {
  /** `model_info.id` of the deployment that answered. */
  readonly deployment: string;
  /** The model group that answered (differs from the requested one after a fallback). */
  readonly group: string;
  /** Retries made in the group that answered. */
  readonly attemptedRetries: number;
  /** Fallback groups tried. */
  readonly attemptedFallbacks: number;
  /** Upstream attempts started by the call so far, the answering one included. */
  readonly attempts: number;
  /** The call's deadline (ms). */
  readonly timeoutMs: number;
  /**
   * Retries the group that answered allowed (DESIGN §4): what the retry rules resolved after a
   * failure there, else request `num_retries` > the answering deployment's > the router's.
   */
  readonly maxRetries: number;
  /**
   * How long (ms, on the router's clock) the answering attempt had been upstream at the commit: the
   * whole exchange for a completion, the time to the first content chunk for a stream.
   */
  readonly upstreamMs: number;
}
