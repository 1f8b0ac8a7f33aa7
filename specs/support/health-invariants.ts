// DESIGN §6, only a deployment's own failures count, and §12, half-open recovery, as checks over one run's `Outcome`.
import type { Outcome } from './run-scenario.js';
import { events } from './outcome-queries.js';
import { trackHalfOpen } from './half-open-tracker.js';

/** 6a. Every `cooldownStarted` follows a counted `attemptFailed` of that deployment (its last attempt event). */
export function cooledOnlyByCountedFailures(outcome: Outcome): void {
  const all = events(outcome);
  for (const { index, event } of all) {
    if (event.type !== 'cooldownStarted') continue;
    const cause = all
      .filter((earlier) => earlier.index < index && 'deployment' in earlier.event && earlier.event.deployment === event.deployment && earlier.event.type.startsWith('attempt'))
      .at(-1)?.event;
    if (cause?.type !== 'attemptFailed' || cause.counted !== true) {
      throw new Error(`${event.deployment} cooled at ${event.at} after ${cause === undefined ? 'no attempt' : JSON.stringify(cause)}, not a counted attemptFailed`);
    }
  }
}

/** 6b. The deployment (always answering within its configured clocks) never fails counted, never cools. */
export function neverBlamed(outcome: Outcome, id: string): void {
  for (const { event } of events(outcome)) {
    if (event.type === 'attemptFailed' && event.deployment === id && event.counted) {
      throw new Error(`healthy ${id} charged with ${event.status} ${event.code} at ${event.at} (call ${event.call})`);
    }
    if (event.type === 'cooldownStarted' && event.deployment === id) {
      throw new Error(`healthy ${id} cooled at ${event.at} (reason ${event.reason ?? '?'})`);
    }
  }
}


/**
 * 12a. DESIGN §12: an attempt that starts while its deployment is half-open is a probe
 * (`probeStarted` just before its `attemptStarted`); the router counts its probes in flight as the
 * callers' attempts show them, and never admits more than `cooldown_probe_requests` at once.
 */
export function probesBounded(outcome: Outcome): void {
  const tracker = trackHalfOpen(outcome);
  const all = events(outcome);
  all.forEach(({ index, event }, position) => {
    if (event.type !== 'attemptStarted') return;
    // Its deployment heard of it just before: a probe's `probeStarted` (after a `cooldownEnded`, when it found the cooldown over) comes first.
    const before = all.slice(0, position).filter(({ event: earlier }) => 'deployment' in earlier && earlier.deployment === event.deployment);
    const previous = before.at(-1)?.event;
    const halfOpen = tracker.probesBefore(event.deployment, index) !== undefined;
    if (previous?.type !== 'probeStarted') {
      if (halfOpen) throw new Error(`attempt of call ${event.call} started at half-open ${event.deployment} at ${event.at} without a probeStarted`);
      return;
    }
    if (tracker.limit === 0) throw new Error(`${event.deployment} probed at ${event.at} with cooldown_probe_requests: 0`);
    const probes = tracker.probesBefore(event.deployment, index + 1);
    if (probes === undefined || probes.size !== previous.probesInFlight) {
      throw new Error(`${event.deployment} at ${event.at}: probeStarted says ${previous.probesInFlight} in flight, the attempts show ${probes?.size ?? 'no half-open spell'}`);
    }
    if (probes.size > tracker.limit) {
      throw new Error(`${event.deployment} at ${event.at}: ${probes.size} probes in flight (calls ${[...probes].join(', ')}), cooldown_probe_requests ${tracker.limit}`);
    }
  });
}

// Statuses whose failure may cool a deployment (429, 401, 404, 408, 5xx and connection errors, DESIGN §6);
// 401 and 404 even the only deployment of a group.
const coolingStatus = (status: number): boolean => [401, 404, 408, 429].includes(status) || (status >= 500 && status <= 599);

/** Whether a failure of the call `callId` at `deployment` would start a cooldown of some length (a 0 turns them off). */
function cooldownOn(outcome: Outcome, callId: number, deployment: string): boolean {
  const { router } = outcome.scenario;
  if (router.settings.disable_cooldowns === true) return false;
  const record = outcome.calls.find((candidate) => outcome.routerCallIds.get(candidate.index) === callId);
  const explicit = record?.spec.request.cooldown_time ?? router.deployments.find((candidate) => candidate.id === deployment)?.params.cooldown_time;
  return explicit === undefined ? router.settings.cooldown_time !== 0 : explicit > 0;
}

/**
 * 12b. DESIGN §12: a probe that fails in a way that counts against its deployment, of a kind that
 * may cool it, cools it again at once (`probeFailed`, then `cooldownStarted`), whatever
 * `allowed_fails` says; and a `probeFailed` follows nothing else.
 */
export function failedProbesRecool(outcome: Outcome): void {
  const tracker = trackHalfOpen(outcome);
  const all = events(outcome);
  const { router } = outcome.scenario;
  all.forEach(({ index, event }, position) => {
    const nextOf = (deployment: string) => all.slice(position + 1).filter(({ event: later }) => 'deployment' in later && later.deployment === deployment);
    if (event.type === 'probeFailed') {
      const cause = all.slice(0, position).filter(({ event: earlier }) => 'deployment' in earlier && earlier.deployment === event.deployment && earlier.type.startsWith('attempt')).at(-1);
      if (cause?.event.type !== 'attemptFailed' || !cause.event.counted || tracker.probesBefore(event.deployment, cause.index)?.has(cause.event.call) !== true) {
        throw new Error(`${event.deployment} probeFailed at ${event.at} after ${JSON.stringify(cause?.event)}, not a counted failure of a probe`);
      }
      return;
    }
    if (event.type !== 'attemptFailed' || !event.counted || !coolingStatus(event.status)) return;
    if (tracker.probesBefore(event.deployment, index)?.has(event.call) !== true) return;
    const sole = router.deployments.filter((deployment) => deployment.group === event.group).length === 1;
    if (sole && event.status !== 401 && event.status !== 404) return;
    if (!cooldownOn(outcome, event.call, event.deployment)) return;
    const [first, second] = nextOf(event.deployment).map((entry) => entry.event.type);
    if (first !== 'probeFailed' || second !== 'cooldownStarted') {
      throw new Error(`probe of call ${event.call} at ${event.deployment} failed (${event.status} ${event.code}) at ${event.at}, then came ${first ?? 'nothing'}, ${second ?? 'nothing'}`);
    }
  });
}
