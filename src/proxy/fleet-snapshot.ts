import { healthWindowMs } from '../deployments/cooldown-rules.js';
import { type DeploymentState, initialDeploymentState, isCooling } from '../deployments/deployment-state.js';
import type { Deployment } from '../config/router-settings.js';
import { publicApiBase } from './public-api-base.js';

/**
 * A deployment's health as a dashboard shows it, LiteLLM's three states (`litellm_deployment_state`
 * 0, 1, 2): `cooling` while a cooldown runs; `partial` when its latest calls failed (a failure that
 * counted against it, DESIGN §6, in the latest second of the last minute that saw calls) but it
 * still takes calls; `healthy` otherwise. As in LiteLLM, a failure makes it partial and a later
 * success makes it healthy again.
 */
export type DeploymentHealth = 'healthy' | 'partial' | 'cooling';

/** One finished attempt's timing, as the page draws it. */
export interface FleetSample {
  /** Scheduler ms. */
  readonly at: number;
  readonly latencyMs: number;
  /** Undefined for non-streaming calls and timed-out attempts. */
  readonly ttftMs: number | undefined;
  readonly timedOut: boolean;
}

/** One deployment in a fleet snapshot: what it is (never a key) and how it is doing. */
export interface FleetDeployment {
  readonly id: string;
  readonly group: string;
  readonly provider: string;
  readonly model: string;
  /** With any credential masked (`publicApiBase`); null for mock deployments, which call nothing. */
  readonly apiBase: string | null;
  readonly state: DeploymentHealth;
  readonly inFlight: number;
  /** Null when not cooling. `until` is scheduler ms; `msLeft` is counted from the snapshot's `now`. */
  readonly cooldown: { readonly until: number; readonly reason: string | null; readonly msLeft: number } | null;
  /** Null unless half-open (DESIGN §12): its cooldown ended and it takes only probe calls until one succeeds. */
  readonly halfOpen: { readonly probesInFlight: number } | null;
  readonly totals: DeploymentState['totals'];
  /** Calls that counted for health in the last minute (client faults such as 400 do not), and how many failed. */
  readonly lastMinute: { readonly calls: number; readonly successes: number; readonly failures: number };
  /** Recent attempt timings, oldest first (the router keeps the last 20). */
  readonly samples: readonly FleetSample[];
}

/** Every deployment, in `model_list` order, at scheduler time `now`. */
export interface FleetSnapshot {
  readonly now: number;
  readonly deployments: readonly FleetDeployment[];
}

/** Calls and failures in the health buckets of the minute before `now`. */
function lastMinute(state: DeploymentState, now: number): FleetDeployment['lastMinute'] {
  let calls = 0;
  let failures = 0;
  for (const bucket of state.health) {
    if (bucket.at <= now - healthWindowMs) continue;
    calls += bucket.calls;
    failures += bucket.failures;
  }
  return { calls, successes: calls - failures, failures };
}

/** `state`'s dashboard health at `now`. */
export function deploymentHealth(state: DeploymentState, now: number): DeploymentHealth {
  if (isCooling(state, now)) return 'cooling';
  // On probation after a cooldown: a partial outage until a probe succeeds.
  if (state.halfOpen !== undefined) return 'partial';
  const latest = state.health[state.health.length - 1];
  return latest !== undefined && latest.at > now - healthWindowMs && latest.failures > 0 ? 'partial' : 'healthy';
}

function fleetDeployment(deployment: Deployment, state: DeploymentState, now: number): FleetDeployment {
  return {
    id: deployment.id,
    group: deployment.group,
    provider: deployment.provider,
    model: deployment.model,
    apiBase: deployment.mockResponse !== undefined || deployment.mockTimeout ? null : publicApiBase(deployment.apiBase),
    state: deploymentHealth(state, now),
    inFlight: state.inFlight,
    cooldown:
      isCooling(state, now) && state.cooldownUntil !== undefined
        ? { until: state.cooldownUntil, reason: state.cooldownReason ?? null, msLeft: state.cooldownUntil - now }
        : null,
    halfOpen: state.halfOpen === undefined ? null : { probesInFlight: state.halfOpen.probesInFlight },
    totals: state.totals,
    lastMinute: lastMinute(state, now),
    samples: state.latencies.map((sample) => ({ at: sample.at, latencyMs: sample.latencyMs, ttftMs: sample.ttftMs, timedOut: sample.timedOut })),
  };
}

/**
 * The fleet as `GET /v1/router/events` sends it: each configured deployment with its state at `now`.
 * Built field by field from the settings, so a key (or any field added to `Deployment` later) can
 * never slip into it; a deployment the store does not know yet shows as idle.
 *
 * @example
 * fleetSnapshot(router.settings.deployments, states, scheduler.now()).deployments[0]?.state // 'healthy'
 */
export function fleetSnapshot(
  deployments: readonly Deployment[],
  states: ReadonlyMap<string, DeploymentState>,
  now: number,
): FleetSnapshot {
  const out: FleetDeployment[] = [];
  for (const deployment of deployments) {
    const state = states.get(deployment.id) ?? initialDeploymentState(deployment.id, deployment.group);
    out.push(fleetDeployment(deployment, state, now));
  }
  return { now, deployments: out };
}
