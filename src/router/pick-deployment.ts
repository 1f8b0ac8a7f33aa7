import type { Deployment } from '../config/router-settings.js';
import { type DeploymentState, isCooling, minuteOf, probeSlotsFull } from '../deployments/deployment-state.js';
import { NoDeploymentsAvailableError, RateLimitError } from '../errors/error-classes.js';
import type { RoutingContext } from '../routing/routing-strategy.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './router-core.js';

/** Seconds a caller is told to wait when every deployment is at `max_parallel_requests`. */
export const maxParallelRetryAfterSeconds = 1;

function estimateTokens(body: Readonly<Record<string, unknown>>): number {
  const messages = body['messages'];
  if (!Array.isArray(messages)) return 0;
  let characters = 0;
  for (const message of messages) {
    const content = (message as { content?: unknown } | null)?.content;
    if (typeof content === 'string') characters += content.length;
  }
  return Math.ceil(characters / 4);
}

function hasFreeSlot(deployment: Deployment, state: DeploymentState): boolean {
  return deployment.maxParallelRequests === undefined || state.inFlight < deployment.maxParallelRequests;
}

/**
 * Whether `deployment` may take an attempt now: not cooling, a probe slot free if half-open, and a
 * slot free under `max_parallel_requests`. What a pick checked can change while a retry waits out its
 * backoff: another call may take the last slot, or a failure cool it.
 */
export function canTakeAttempt(core: RouterCore, deployment: Deployment): boolean {
  const state = core.store.get(deployment.id);
  return !isCooling(state, core.scheduler.now()) && !probeSlotsFull(state, core.settings.cooldownProbeRequests) && hasFreeSlot(deployment, state);
}

/** Every deployment of `group` is cooling or being probed: why, and when to come back. */
function noDeploymentsAvailable(states: readonly DeploymentState[], group: string, now: number): NoDeploymentsAvailableError {
  let soonest = Number.POSITIVE_INFINITY;
  for (const state of states) {
    const waitMs = state.cooldownUntil === undefined || state.cooldownUntil <= now ? maxParallelRetryAfterSeconds * 1000 : state.cooldownUntil - now;
    soonest = Math.min(soonest, waitMs);
  }
  // Say why: behind a 429 may be a bad key (401) or a missing model (404) that cooled everything.
  const reasons = states
    .map((state) => (state.cooldownUntil === undefined ? `${state.id} being probed` : `${state.id} after ${state.cooldownReason ?? 'errors'}`))
    .join(', ');
  const what = states.some((state) => state.cooldownUntil === undefined) ? 'are cooling down or being probed' : 'are cooling down';
  return new NoDeploymentsAvailableError(`no deployments available for model group "${group}": all ${states.length} ${what} (${reasons})`, {
    retryAfter: soonest / 1000,
  });
}

/** The deployments grouped by `order`, lowest first; no `order` sorts after every number. */
function byOrder(deployments: readonly Deployment[]): (readonly Deployment[])[] {
  // The usual case, one tier (no deployment sets `order`, or all the same): no grouping, no sort.
  const first = deployments[0]?.order;
  let oneTier = true;
  for (const deployment of deployments) if (deployment.order !== first) oneTier = false;
  if (oneTier) return [deployments];
  const tiers = new Map<number, Deployment[]>();
  for (const deployment of deployments) {
    const order = deployment.order ?? Number.POSITIVE_INFINITY;
    const tier = tiers.get(order) ?? [];
    tier.push(deployment);
    tiers.set(order, tier);
  }
  return [...tiers].sort(([a], [b]) => a - b).map(([, tier]) => tier);
}

/**
 * Chooses the deployment for the next attempt in `group`, in this order:
 *
 * 1. cooling deployments are skipped, and so are half-open ones whose `cooldown_probe_requests`
 *    probes are all in flight (DESIGN §12): both count as unavailable;
 * 2. deployments with `max_parallel_requests` attempts in flight are skipped (a stream holds its slot
 *    until it ends);
 * 3. those that already failed in this call are skipped while others remain;
 * 4. the rest are tried by `order`, lowest first: the routing strategy picks among the lowest order,
 *    and only when it picks none (e.g. all are at their rpm / tpm limit) does the next order get a turn.
 *
 * When nothing is left, the first pick of a group throws a 429, at once (no queueing):
 * `NoDeploymentsAvailableError` when every deployment is cooling or being probed (`retryAfter` =
 * seconds until the soonest cooldown ends, at most 1 s when one is being probed: a probe's answer
 * may free it any moment); `RateLimitError` `max_parallel_requests_exceeded` when every healthy one is
 * full; `RateLimitError` `rate_limit_exceeded` (`retryAfter` = the rest of the minute) when the
 * strategy accepts none. A retry's pick returns undefined instead, so the call ends with the upstream
 * error of its last attempt.
 *
 * `exclude` names deployments never to pick, whatever else is left: a hedge's (DESIGN §12).
 */
export function pickDeployment(core: RouterCore, call: CallState, group: string, forRetry: boolean, exclude?: readonly string[]): Deployment | undefined {
  const all = core.settings.groups.get(group) ?? [];
  const now = core.scheduler.now();
  const { store } = core;
  // Nothing can send a deployment a message while this runs, so reading the store is reading one snapshot.
  // One pass, on every call's path: the healthy count, the open ones (healthy with a free slot) and
  // the fresh ones (open, and not failed in this call), each with its state for the strategy.
  let healthy = 0;
  const open: Deployment[] = [];
  const openStates: DeploymentState[] = [];
  // Only a retry has failed deployments to leave out; a first pick's fresh ones are the open ones.
  const anyFailed = call.failed.length > 0;
  const fresh: Deployment[] = anyFailed ? [] : open;
  const freshStates: DeploymentState[] = anyFailed ? [] : openStates;
  const probeLimit = core.settings.cooldownProbeRequests;
  for (const deployment of all) {
    if (exclude?.includes(deployment.id)) continue;
    const state = store.get(deployment.id);
    if (isCooling(state, now) || probeSlotsFull(state, probeLimit)) continue;
    healthy += 1;
    if (!hasFreeSlot(deployment, state)) continue;
    open.push(deployment);
    openStates.push(state);
    if (!anyFailed || call.failed.includes(deployment.id)) continue;
    fresh.push(deployment);
    freshStates.push(state);
  }

  if (healthy === 0) {
    if (forRetry) return undefined;
    throw noDeploymentsAvailable(all.map((deployment) => store.get(deployment.id)), group, now);
  }

  if (open.length === 0) {
    if (forRetry) return undefined;
    throw new RateLimitError(
      `model group "${group}": every healthy deployment is at its max_parallel_requests; try again shortly`,
      { code: 'max_parallel_requests_exceeded', retryAfter: maxParallelRetryAfterSeconds },
    );
  }

  const pool = fresh.length > 0 ? fresh : open;
  const poolStates = fresh.length > 0 ? freshStates : openStates;
  const context: RoutingContext = {
    stream: call.request.stream,
    estimatedTokens: estimateTokens(call.request.body),
    now,
    args: core.settings.routingStrategyArgs,
  };
  for (const tier of byOrder(pool)) {
    const states = tier === pool ? poolStates : tier.map((deployment) => store.get(deployment.id));
    const chosen = core.strategy(tier, states, context, core.random);
    if (chosen !== undefined) return chosen;
  }
  if (forRetry) return undefined;
  throw new RateLimitError(
    `model group "${group}": every deployment is at its rpm / tpm limit for this minute (routing_strategy ${core.settings.routingStrategy})`,
    { code: 'rate_limit_exceeded', retryAfter: (minuteOf(now) + 60_000 - now) / 1000 },
  );
}
