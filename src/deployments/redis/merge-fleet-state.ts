import { healthWindowMs } from '../cooldown-rules.js';
import type { DeploymentState, HealthBucket } from '../deployment-state.js';
import type { FailureKind } from '../failure-kind.js';

/** Another instance's attempts in flight on one deployment, alive until `expiresAt` (local scheduler ms). */
export interface Lease {
  readonly count: number;
  readonly expiresAt: number;
}

/** What the rest of the fleet (every instance but this one) knows of one deployment. */
export interface RemoteDeployment {
  /** Local scheduler time the fleet's cooldown ends (received as ms remaining, so clock skew does not matter). */
  readonly cooldownUntil: number | undefined;
  readonly cooldownReason: string | undefined;
  /** The other instances' calls and failures per second of the last minute, oldest first, at local seconds. */
  readonly health: readonly HealthBucket[];
  /** The other instances' requests and tokens in `minute`. */
  readonly usage: DeploymentState['usage'];
  /** Attempts in flight per other instance (instance id → lease). */
  readonly leases: ReadonlyMap<string, Lease>;
}

export const emptyRemote: RemoteDeployment = {
  cooldownUntil: undefined,
  cooldownReason: undefined,
  health: [],
  usage: { minute: 0, requests: 0, tokens: 0 },
  leases: new Map(),
};

function addKinds(
  a: Readonly<Partial<Record<FailureKind, number>>>,
  b: Readonly<Partial<Record<FailureKind, number>>>,
): Partial<Record<FailureKind, number>> {
  const out: Partial<Record<FailureKind, number>> = { ...a };
  for (const [kind, n] of Object.entries(b) as [FailureKind, number][]) out[kind] = (out[kind] ?? 0) + n;
  return out;
}

/** Two bucket lists (oldest first) as one, summed per second, without the buckets a minute old at `now`. */
export function mergeHealth(own: readonly HealthBucket[], others: readonly HealthBucket[], now: number): HealthBucket[] {
  if (others.length === 0) return own.slice();
  const oldest = now - healthWindowMs;
  const out: HealthBucket[] = [];
  let i = 0;
  let j = 0;
  while (i < own.length || j < others.length) {
    const a = own[i];
    const b = others[j];
    let bucket: HealthBucket;
    if (b === undefined || (a !== undefined && a.at < b.at)) {
      bucket = a as HealthBucket;
      i += 1;
    } else if (a === undefined || b.at < a.at) {
      bucket = b;
      j += 1;
    } else {
      bucket = { at: a.at, calls: a.calls + b.calls, failures: a.failures + b.failures, failuresByKind: addKinds(a.failuresByKind, b.failuresByKind) };
      i += 1;
      j += 1;
    }
    if (bucket.at > oldest) out.push(bucket);
  }
  return out;
}

/** Attempts the other instances hold on the deployment now (leases of dead instances have expired). */
export function liveLeases(remote: RemoteDeployment, now: number): number {
  let count = 0;
  for (const lease of remote.leases.values()) if (lease.expiresAt > now) count += lease.count;
  return count;
}

/**
 * The deployment as the fleet sees it, in the shape routing already reads: in flight = this
 * instance's attempts plus the others' live leases; usage = the fleet's in this minute; the later of
 * the local and the shared cooldown; health summed per second. Latencies and totals stay this
 * instance's own (latencies measure this process's own path to the deployment).
 */
export function mergeFleetState(own: DeploymentState, remote: RemoteDeployment, now: number): DeploymentState {
  // A shared cooldown that is over is history (the local actor took it on and has ended it: half-open).
  const remoteCooling =
    remote.cooldownUntil !== undefined && remote.cooldownUntil > now && (own.cooldownUntil === undefined || remote.cooldownUntil > own.cooldownUntil);
  const usage =
    remote.usage.minute === own.usage.minute
      ? { minute: own.usage.minute, requests: own.usage.requests + remote.usage.requests, tokens: own.usage.tokens + remote.usage.tokens }
      : remote.usage.minute > own.usage.minute
        ? remote.usage
        : own.usage;
  return {
    ...own,
    inFlight: own.inFlight + liveLeases(remote, now),
    cooldownUntil: remoteCooling ? remote.cooldownUntil : own.cooldownUntil,
    cooldownReason: remoteCooling ? remote.cooldownReason : own.cooldownReason,
    health: mergeHealth(own.health, remote.health, now),
    usage,
  };
}
