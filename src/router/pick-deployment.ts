import type { Deployment } from '../config/router-settings.js';
import { isCooling } from '../deployments/deployment-state.js';
import { NoDeploymentsAvailableError } from '../errors/error-classes.js';
import type { CallState } from './call-state.js';
import type { RouterCore } from './router-core.js';

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

/**
 * Chooses the deployment for the next attempt in `group`: cooling deployments are skipped; those that
 * already failed in this call are skipped while others remain; among the rest only the lowest `order`
 * is eligible; the routing strategy picks one of those.
 *
 * With no healthy deployment, the first pick of a group throws `NoDeploymentsAvailableError` (429,
 * `retryAfter` = seconds until the soonest cooldown ends); a retry's pick returns undefined, so the
 * call ends with the upstream error that cooled the last one.
 */
export function pickDeployment(core: RouterCore, call: CallState, group: string, forRetry: boolean): Deployment | undefined {
  const all = core.settings.groups.get(group) ?? [];
  const now = core.scheduler.now();
  const healthy = all.filter((deployment) => !isCooling(core.store.get(deployment.id), now));
  if (healthy.length === 0) {
    if (forRetry) return undefined;
    const soonest = Math.min(...all.map((deployment) => core.store.get(deployment.id).cooldownUntil ?? now));
    throw new NoDeploymentsAvailableError(
      `no deployments available for model group "${group}": all ${all.length} are cooling down`,
      { retryAfter: Math.max(0, soonest - now) / 1000 },
    );
  }
  const fresh = healthy.filter((deployment) => !call.failed.has(deployment.id));
  const pool = fresh.length > 0 ? fresh : healthy;
  const lowestOrder = Math.min(...pool.map((deployment) => deployment.order ?? Number.POSITIVE_INFINITY));
  const candidates = pool.filter((deployment) => (deployment.order ?? Number.POSITIVE_INFINITY) === lowestOrder);
  const snapshots = candidates.map((deployment) => core.store.get(deployment.id));
  return core.strategy(
    candidates,
    snapshots,
    {
      stream: call.request.stream,
      estimatedTokens: estimateTokens(call.request.body),
      now,
      args: core.settings.routingStrategyArgs,
    },
    core.random,
  );
}
