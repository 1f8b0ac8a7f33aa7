import { type CooldownRules, healthWindowMs, probeCooldownMs, probeFailureCools, shouldCool } from './cooldown-rules.js';
import type { DeploymentMessage } from './deployment-message.js';
import { type DeploymentState, type HalfOpen, type HealthBucket, type LatencySample, usageThisMinute } from './deployment-state.js';
import { clientFault, type FailureKind } from './failure-kind.js';

export type DeploymentReducer = (state: DeploymentState, message: DeploymentMessage, now: number) => DeploymentState;

const maxLatencySamples = 20;

/** Adds one call (and maybe one failure) to the bucket of `now`'s second; drops buckets older than a minute. */
function recordCall(health: readonly HealthBucket[], now: number, failure: FailureKind | undefined): HealthBucket[] {
  const second = now - (now % 1000);
  // Buckets are oldest first: skip the expired ones, then one copy (no filter callback per bucket).
  let first = 0;
  while (first < health.length && (health[first] as HealthBucket).at <= now - healthWindowMs) first += 1;
  const kept = health.slice(first);
  const last = kept[kept.length - 1];
  const current: HealthBucket = last !== undefined && last.at === second ? last : { at: second, calls: 0, failures: 0, failuresByKind: {} };
  const next: HealthBucket = {
    at: second,
    calls: current.calls + 1,
    failures: current.failures + (failure === undefined ? 0 : 1),
    failuresByKind:
      failure === undefined ? current.failuresByKind : { ...current.failuresByKind, [failure]: (current.failuresByKind[failure] ?? 0) + 1 },
  };
  if (current === last) kept[kept.length - 1] = next;
  else kept.push(next);
  return kept;
}

function addLatency(latencies: readonly LatencySample[], sample: LatencySample): LatencySample[] {
  const out = latencies.length >= maxLatencySamples ? latencies.slice(1) : latencies.slice();
  out.push(sample);
  return out;
}

/** What the frequent messages change; the cooldown fields change only on the rare cooldown paths. */
interface Changes {
  readonly inFlight: number;
  readonly health?: readonly HealthBucket[];
  readonly latencies?: readonly LatencySample[];
  readonly usage?: DeploymentState['usage'];
  readonly totals?: DeploymentState['totals'];
}

/**
 * `state` with `changes`, built as one object literal of a fixed shape: every attempt sends two
 * messages, and object spread (`{ ...state, ... }`) costs about ten times as much per copy.
 */
function evolve(state: DeploymentState, changes: Changes): DeploymentState {
  return {
    id: state.id,
    group: state.group,
    inFlight: changes.inFlight,
    cooldownUntil: state.cooldownUntil,
    cooldownReason: state.cooldownReason,
    cooldownMs: state.cooldownMs,
    halfOpen: state.halfOpen,
    health: changes.health ?? state.health,
    latencies: changes.latencies ?? state.latencies,
    usage: changes.usage ?? state.usage,
    totals: changes.totals ?? state.totals,
  };
}

/**
 * The cooldown over at `now`: half-open with no probe in flight yet, remembering the cooldown's
 * length for the doubling; or healthy when half-open is off (`cooldown_probe_requests: 0`).
 */
function endCooldown(state: DeploymentState, rules: CooldownRules, now: number): DeploymentState {
  const halfOpen: HalfOpen | undefined =
    rules.probeRequests > 0 ? { since: now, probesInFlight: 0, lastCooldownMs: state.cooldownMs ?? 0 } : undefined;
  return { ...state, cooldownUntil: undefined, cooldownReason: undefined, cooldownMs: undefined, halfOpen };
}

/** Whether the attempt that ended was a probe of the deployment's current half-open spell. */
function probesNow(state: DeploymentState, probeOf: number | undefined): state is DeploymentState & { halfOpen: HalfOpen } {
  return probeOf !== undefined && state.halfOpen !== undefined && state.halfOpen.since === probeOf;
}

/** `next` with one probe fewer in flight, when the attempt that ended was a probe of the current spell. */
function probeEnded(state: DeploymentState, next: DeploymentState, probeOf: number | undefined): DeploymentState {
  if (!probesNow(state, probeOf)) return next;
  const { since, probesInFlight, lastCooldownMs } = state.halfOpen;
  return { ...next, halfOpen: { since, probesInFlight: probesInFlight - 1, lastCooldownMs } };
}

function cool(next: DeploymentState, until: number, cooldownMs: number, reason: string): DeploymentState {
  return { ...next, cooldownUntil: until, cooldownReason: reason, cooldownMs, halfOpen: undefined };
}

/**
 * The deployment actor's reducer: a pure `(state, message, now) => state` for one deployment's rules.
 * Every change to a deployment's state goes through it.
 *
 * Half-open (DESIGN §12): when a cooldown ends, every attempt that starts is a probe, counted in
 * `halfOpen.probesInFlight` (routing admits at most `cooldown_probe_requests`); the attempt's end
 * names the spell it probed (`probeOf: halfOpen.since`). A probe's success closes the deployment
 * (and forgets the doubling); its failure of a kind that may cool cools it again at once, for twice
 * the cooldown that ended (up to `max_cooldown_time`); any other end frees its slot. Attempts started before the spell (before the
 * cooldown, or in an earlier spell) say nothing about the deployment as it is now: they end under
 * the ordinary rules.
 */
export function createDeploymentReducer(rules: CooldownRules): DeploymentReducer {
  const reduce: DeploymentReducer = (state, message, now) => {
    switch (message.type) {
      case 'attemptStarted': {
        const usage = usageThisMinute(state, now);
        const { totals, halfOpen } = state;
        const next = evolve(state, {
          inFlight: state.inFlight + 1,
          usage: { minute: usage.minute, requests: usage.requests + 1, tokens: usage.tokens },
          totals: { started: totals.started + 1, succeeded: totals.succeeded, failed: totals.failed, cancelled: totals.cancelled },
        });
        if (halfOpen === undefined) return next;
        return { ...next, halfOpen: { since: halfOpen.since, probesInFlight: halfOpen.probesInFlight + 1, lastCooldownMs: halfOpen.lastCooldownMs } };
      }
      case 'firstChunk':
        return state;
      case 'attemptSucceeded': {
        const usage = usageThisMinute(state, now);
        const { totals } = state;
        const next = evolve(state, {
          inFlight: Math.max(0, state.inFlight - 1),
          health: recordCall(state.health, now, undefined),
          latencies: addLatency(state.latencies, {
            at: now,
            latencyMs: message.latencyMs,
            ttftMs: message.ttftMs,
            msPerToken: message.latencyMs / Math.max(1, message.outputTokens),
            timedOut: false,
          }),
          usage: { minute: usage.minute, requests: usage.requests, tokens: usage.tokens + message.tokens },
          totals: { started: totals.started, succeeded: totals.succeeded + 1, failed: totals.failed, cancelled: totals.cancelled },
        });
        return probesNow(state, message.probeOf) ? { ...next, halfOpen: undefined } : next;
      }
      case 'attemptFailed': {
        const { kind, code } = message.error;
        const inFlight = Math.max(0, state.inFlight - 1);
        const { started, succeeded, failed, cancelled } = state.totals;
        const totals = { started, succeeded, failed: failed + 1, cancelled };
        if (clientFault.has(kind)) return probeEnded(state, evolve(state, { inFlight, totals }), message.probeOf);
        const health = recordCall(state.health, now, kind);
        // A timed-out attempt is remembered as slow as its timeout, so latency routing moves away from it.
        const latencies =
          kind === 'timeout'
            ? addLatency(state.latencies, { at: now, latencyMs: message.latencyMs, ttftMs: undefined, msPerToken: message.latencyMs, timedOut: true })
            : state.latencies;
        const next = evolve(state, { inFlight, health, latencies, totals });
        if (probesNow(state, message.probeOf) && message.cooldownMs > 0 && probeFailureCools(kind, rules)) {
          const length = probeCooldownMs(state.halfOpen.lastCooldownMs, message.cooldownMs, rules);
          return cool(next, now + length, length, code);
        }
        if (message.cooldownMs <= 0 || !shouldCool(kind, health, rules)) return probeEnded(state, next, message.probeOf);
        const until = now + message.cooldownMs;
        // Cooled again while cooling: the later end wins, never the earlier.
        if (state.cooldownUntil !== undefined && state.cooldownUntil > now && state.cooldownUntil >= until) return next;
        return cool(next, until, message.cooldownMs, code);
      }
      case 'attemptCancelled': {
        const { started, succeeded, failed, cancelled } = state.totals;
        const next = evolve(state, { inFlight: Math.max(0, state.inFlight - 1), totals: { started, succeeded, failed, cancelled: cancelled + 1 } });
        return probeEnded(state, next, message.probeOf);
      }
      case 'cooldownExpired':
        if (state.cooldownUntil === undefined || state.cooldownUntil > now) return state;
        return endCooldown(state, rules, now);
      case 'fleetCooldown':
        if (message.until <= now || (state.cooldownUntil !== undefined && state.cooldownUntil >= message.until)) return state;
        return cool(state, message.until, message.cooldownMs, message.reason);
      case 'fleetRecovered':
        return state.halfOpen === undefined ? state : { ...state, halfOpen: undefined };
    }
  };
  // A cooldown that ran out ends before the next message is applied, even when that message comes
  // before the scheduled `cooldownExpired` in the same instant: the attempt that starts then is a probe.
  return (state, message, now) =>
    state.cooldownUntil !== undefined && state.cooldownUntil <= now && message.type !== 'cooldownExpired'
      ? reduce(endCooldown(state, rules, now), message, now)
      : reduce(state, message, now);
}
