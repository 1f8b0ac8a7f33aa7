import type { AllowedFailsPolicy } from '../config/router-config-schema.js';
import type { HealthBucket } from './deployment-state.js';
import { clientFault, type FailureKind } from './failure-kind.js';

/** A deployment's cooldown configuration (DESIGN §6). */
export interface CooldownRules {
  /** The deployment is the only one of its group. */
  readonly sole: boolean;
  /** `disable_cooldowns`. */
  readonly disabled: boolean;
  /** `allowed_fails`: failures (408/5xx/connection) per minute tolerated; replaces the 50% rule when set. */
  readonly allowedFails: number | undefined;
  /** `allowed_fails_policy`: failures per minute tolerated per error class; replaces that class's rule. */
  readonly allowedFailsPolicy: AllowedFailsPolicy | undefined;
}

export const healthWindowMs = 60_000;
export const minCallsForRatio = 5;
export const maxFailureRatio = 0.5;

// Errors that are the provider's passing trouble: cooling a group's only deployment for them would
// only turn every later call into an immediate 429 with no chance of recovering.
const transient: ReadonlySet<FailureKind> = new Set(['rate_limit', 'timeout', 'server', 'connection']);

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
 * included). DESIGN §6: 429 at once; 401 and 404 at once; 408, 5xx and connection errors when more
 * than 50% of at least 5 calls failed; 400, 403, 422 never; the only deployment of a group never
 * for transient errors. `allowed_fails_policy` / `allowed_fails` replace the default rule they name.
 */
export function shouldCool(kind: FailureKind, health: readonly HealthBucket[], rules: CooldownRules): boolean {
  if (rules.disabled || clientFault.has(kind) || kind === 'other') return false;
  if (rules.sole && transient.has(kind)) return false;
  const { calls, failures, ofKind } = totals(health, kind);
  const policyKey = policyKeys[kind];
  const allowedForKind = policyKey === undefined ? undefined : rules.allowedFailsPolicy?.[policyKey];
  if (allowedForKind !== undefined) return ofKind > allowedForKind;
  if (kind === 'rate_limit' || kind === 'authentication' || kind === 'not_found') return true;
  if (rules.allowedFails !== undefined) return failures > rules.allowedFails;
  return calls >= minCallsForRatio && failures / calls > maxFailureRatio;
}
