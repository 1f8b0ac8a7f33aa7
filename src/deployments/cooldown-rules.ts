import type { AllowedFailsPolicy } from '../config/router-config-schema.js';
import type { HealthBucket } from './deployment-state.js';
import { clientFault, type FailureKind } from './failure-kind.js';

/** A deployment's cooldown configuration (DESIGN §6). */
export interface CooldownRules {
  /** The deployment is the only one of its group. */
  readonly sole: boolean;
  /** `disable_cooldowns`. */
  readonly disabled: boolean;
  /**
   * `allowed_fails`: failures per minute tolerated, whatever their class (as LiteLLM: "cool down when
   * it fails more than N calls in a minute"). When set it replaces the default rules below.
   */
  readonly allowedFails: number | undefined;
  /** `allowed_fails_policy`: failures per minute tolerated per error class; replaces every other rule for that class. */
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
  /** `cooldown_probe_requests`: probes a half-open deployment takes at once; 0 skips half-open (DESIGN §12). */
  readonly probeRequests: number;
  /** `max_cooldown_time` (ms): the cap on a failed probe's doubled cooldown. */
  readonly maxCooldownMs: number;
}

export const healthWindowMs = 60_000;
export const minCallsForRatio = 5;
export const maxFailureRatio = 0.5;

// Errors that are the provider's passing trouble: cooling a group's only deployment for them would
// only turn every later call into an immediate 429 with no chance of recovering.
const transient: ReadonlySet<FailureKind> = new Set(['rate_limit', 'timeout', 'server', 'connection']);

// Kinds that say the deployment itself is unusable (wrong key, wrong model name): cooled at once.
const immediate: ReadonlySet<FailureKind> = new Set(['rate_limit', 'authentication', 'not_found']);

// The `allowed_fails_policy` key of each kind that has one, as LiteLLM names them. 400 and content-policy
// errors have keys too, but they are the request's fault and never cool (DESIGN §6), so theirs are moot.
const policyKeys: Partial<Record<FailureKind, keyof AllowedFailsPolicy>> = {
  rate_limit: 'RateLimitErrorAllowedFails',
  authentication: 'AuthenticationErrorAllowedFails',
  timeout: 'TimeoutErrorAllowedFails',
  server: 'InternalServerErrorAllowedFails',
};

function totals(health: readonly HealthBucket[], kind: FailureKind) {
  let calls = 0;
  let failures = 0;
  let ofKind = 0;
  for (const bucket of health) {
    calls += bucket.calls;
    failures += bucket.failures;
    ofKind += bucket.failuresByKind[kind] ?? 0;
  }
  return { calls, failures, ofKind };
}

/**
 * Whether a failure of `kind` cools the deployment, given its last minute of health (this failure
 * included). In order:
 *
 * 1. never with `disable_cooldowns`, and never for 400, 403, 422 (the request's fault);
 * 2. never for 429, 408, 5xx or connection errors when the deployment is its group's only one;
 * 3. `allowed_fails_policy` entry for the error's class: when more than that many failures of the class;
 * 4. `allowed_fails`: when more than that many failures (of any class);
 * 5. otherwise (DESIGN §6): 429, 401, 404 at once; 408, 5xx and connection errors when more than 50%
 *    of at least 5 calls failed.
 *
 * @example
 * shouldCool('server', health, { sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined })
 */
export function shouldCool(kind: FailureKind, health: readonly HealthBucket[], rules: CooldownRules): boolean {
  if (rules.disabled || clientFault.has(kind) || kind === 'other') return false;
  if (rules.sole && transient.has(kind)) return false;
  const { calls, failures, ofKind } = totals(health, kind);
  const policyKey = policyKeys[kind];
  const allowedForKind = policyKey === undefined ? undefined : rules.allowedFailsPolicy?.[policyKey];
  if (allowedForKind !== undefined) return ofKind > allowedForKind;
  if (rules.allowedFails !== undefined) return failures > rules.allowedFails;
  if (immediate.has(kind)) return true;
  return calls >= minCallsForRatio && failures / calls > maxFailureRatio;
}

/**
 * Whether a failed probe of `kind` cools the half-open deployment again (DESIGN §12). At once,
 * whatever `allowed_fails` says (the deployment is on trial), for the kinds that may cool a
 * deployment at all: never for the request's fault (400, 403, 422) or a lone 409, nor the group's
 * only deployment for 429, 408, 5xx or connection errors (§6), nor with `disable_cooldowns`. Those
 * free the probe's slot and leave the deployment half-open.
 */
export function probeFailureCools(kind: FailureKind, rules: CooldownRules): boolean {
  if (rules.disabled || clientFault.has(kind) || kind === 'other') return false;
  return !(rules.sole && transient.has(kind));
}

/**
 * How long a failed probe cools the deployment: twice the cooldown that just ended, capped at
 * `max_cooldown_time`, and never shorter than the failure's own cooldown (a `Retry-After`, or a
 * `cooldown_time` longer than the cap, still holds).
 */
export function probeCooldownMs(lastCooldownMs: number, failureCooldownMs: number, rules: CooldownRules): number {
  return Math.max(failureCooldownMs, Math.min(2 * lastCooldownMs, rules.maxCooldownMs));
}
