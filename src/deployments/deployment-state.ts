import type { FailureKind } from './failure-kind.js';

/** Calls and health failures in one second of the last minute. */
export interface HealthBucket {
  /** Start of the second (scheduler ms). */
  readonly at: number;
  readonly calls: number;
  readonly failures: number;
  readonly failuresByKind: Readonly<Partial<Record<FailureKind, number>>>;
}

/** One finished attempt's timing, kept for latency-based routing. */
export interface LatencySample {
  readonly at: number;
  /** Whole attempt, ms. */
  readonly latencyMs: number;
  /** Time to first content chunk (streams), ms. */
  readonly ttftMs: number | undefined;
  /** Latency per output token (ms); the timeout's length for a timed-out attempt (a penalty). */
  readonly msPerToken: number;
  readonly timedOut: boolean;
}

/**
 * Half-open (DESIGN §12): the cooldown ended, and the deployment takes at most
 * `cooldown_probe_requests` calls at a time until one of them succeeds.
 */
export interface HalfOpen {
  /** Scheduler time the cooldown ended: names this half-open spell, so that a probe of an earlier one is not taken for one of it. */
  readonly since: number;
  /** Attempts started while half-open (probes) and not yet ended. */
  readonly probesInFlight: number;
  /** Length (ms) of the cooldown that ended: a failed probe cools the deployment for twice as long. */
  readonly lastCooldownMs: number;
}

/**
 * Everything a deployment knows about itself. Immutable: the reducer returns a new one per message,
 * so snapshots can be shared with routing and observers without copying.
 */
export interface DeploymentState {
  readonly id: string;
  readonly group: string;
  /** Attempts started and not yet ended (a stream counts until it ends). */
  readonly inFlight: number;
  /** Scheduler time the cooldown ends, or undefined when not cooling. */
  readonly cooldownUntil: number | undefined;
  /** The error code that started the current cooldown. */
  readonly cooldownReason: string | undefined;
  /** Length (ms) of the current cooldown (set with `cooldownUntil`): half-open doubles it after a failed probe. */
  readonly cooldownMs: number | undefined;
  /** Set from the end of a cooldown until a probe succeeds (or fails, and cools it again). */
  readonly halfOpen: HalfOpen | undefined;
  /** The last minute, one bucket per second that saw a call, oldest first. */
  readonly health: readonly HealthBucket[];
  /** Recent attempt timings, newest last (bounded). */
  readonly latencies: readonly LatencySample[];
  /** Requests started and tokens used in the current minute (for rpm / tpm limits). */
  readonly usage: { readonly minute: number; readonly requests: number; readonly tokens: number };
  /**
   * Attempts since the router started. `started === succeeded + failed + cancelled + inFlight`:
   * `cancelled` holds the attempts that ended with no verdict on the deployment (the caller left, or
   * a clock the request chose ran out: DESIGN §6).
   */
  readonly totals: { readonly started: number; readonly succeeded: number; readonly failed: number; readonly cancelled: number };
}

export function initialDeploymentState(id: string, group: string): DeploymentState {
  return {
    id,
    group,
    inFlight: 0,
    cooldownUntil: undefined,
    cooldownReason: undefined,
    cooldownMs: undefined,
    halfOpen: undefined,
    health: [],
    latencies: [],
    usage: { minute: 0, requests: 0, tokens: 0 },
    totals: { started: 0, succeeded: 0, failed: 0, cancelled: 0 },
  };
}

/** Whether the deployment is cooling down at `now`. */
export function isCooling(state: DeploymentState, now: number): boolean {
  return state.cooldownUntil !== undefined && state.cooldownUntil > now;
}

/**
 * Whether the deployment is half-open with `probeLimit` probes in flight: it takes no call now.
 * (A cooldown that ran out but whose expiry is not processed yet has none in flight: the reducer
 * opens it on its next message, which makes the attempt that sends it a probe.)
 */
export function probeSlotsFull(state: DeploymentState, probeLimit: number): boolean {
  return state.halfOpen !== undefined && state.halfOpen.probesInFlight >= probeLimit;
}

/** Start (scheduler ms) of the minute `now` falls in: rpm / tpm usage resets on it. */
export function minuteOf(now: number): number {
  return now - (now % 60_000);
}

/** Requests started and tokens used by the deployment in the minute of `now` (zero once a new minute begins). */
export function usageThisMinute(state: DeploymentState, now: number): DeploymentState['usage'] {
  const minute = minuteOf(now);
  return state.usage.minute === minute ? state.usage : { minute, requests: 0, tokens: 0 };
}
