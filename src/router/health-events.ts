import type { DeploymentTransition } from '../deployments/deployment-store.js';
import type { RouterEvent } from './router-events.js';

/**
 * The cooldown and half-open events (DESIGN §6, §12) one store transition stands for, in the order
 * they happened: a cooldown that ran out ends before the probe that found it over starts, and a
 * failed probe is reported before the cooldown it starts.
 */
export function healthEvents({ message, previous, next, at }: DeploymentTransition): RouterEvent[] {
  const { id: deployment, group } = next;
  // What another router of the fleet did (a shared store) is its own to report: here it only shows in the state.
  if (message.type === 'fleetCooldown' || message.type === 'fleetRecovered') return [];
  const events: RouterEvent[] = [];
  const wasHalfOpen = previous.halfOpen !== undefined;
  if (previous.cooldownUntil !== undefined && next.cooldownUntil === undefined) events.push({ type: 'cooldownEnded', group, deployment, at });
  if (next.halfOpen !== undefined && message.type === 'attemptStarted') {
    events.push({ type: 'probeStarted', group, deployment, at, probesInFlight: next.halfOpen.probesInFlight });
  }
  if (wasHalfOpen && next.halfOpen === undefined && next.cooldownUntil === undefined && message.type === 'attemptSucceeded') {
    events.push({ type: 'probeSucceeded', group, deployment, at });
  }
  if (next.cooldownUntil !== undefined && next.cooldownUntil !== previous.cooldownUntil) {
    if (wasHalfOpen && message.type === 'attemptFailed' && message.probeOf !== undefined) {
      events.push({ type: 'probeFailed', group, deployment, at, code: message.error.code, cooldownMs: next.cooldownMs ?? 0, until: next.cooldownUntil });
    }
    events.push({ type: 'cooldownStarted', group, deployment, until: next.cooldownUntil, reason: next.cooldownReason, at });
  }
  return events;
}
