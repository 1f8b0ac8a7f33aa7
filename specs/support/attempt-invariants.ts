// The Router's bookkeeping of attempts (DESIGN §1, §4, §6) as checks over one run's `Outcome`: every
// attempt accounted for, upstream released in the tick its call ends, successes recorded whatever
// the API, retries by the rules.
import type { RouterEvent } from '../../src/router/router-events.js';
import type { CallRecord, Outcome } from './run-scenario.js';
import { type EventOf, events, fail, isDone, notificationsOf, valuesOf } from './outcome-queries.js';
import { tagOf } from './scripted-upstream.js';
import { trackHalfOpen } from './half-open-tracker.js';

/**
 * 5. Every attempt started ends exactly once on `events$` (succeeded, failed or cancelled) for the
 * same call and deployment; at the end no deployment has anything in flight and its totals add up,
 * and agree with the events.
 */
export function attemptsAccounted(outcome: Outcome): void {
  const open = new Map<string, number>();
  const perDeployment = new Map<string, { started: number; succeeded: number; ended: number }>();
  for (const { event } of events(outcome)) {
    if (event.type !== 'attemptStarted' && event.type !== 'attemptSucceeded' && event.type !== 'attemptFailed' && event.type !== 'attemptCancelled') {
      continue;
    }
    const key = `call ${event.call} at ${event.deployment}`;
    const counts = perDeployment.get(event.deployment) ?? { started: 0, succeeded: 0, ended: 0 };
    perDeployment.set(event.deployment, counts);
    if (event.type === 'attemptStarted') {
      if ((open.get(key) ?? 0) > 0) throw new Error(`${key}: a second attemptStarted while one is open`);
      open.set(key, 1);
      counts.started += 1;
      continue;
    }
    if (open.get(key) !== 1) throw new Error(`${key}: ${event.type} (at ${event.at}) without an open attemptStarted`);
    open.set(key, 0);
    counts.ended += 1;
    if (event.type === 'attemptSucceeded') counts.succeeded += 1;
  }
  for (const [key, count] of open) if (count !== 0) throw new Error(`${key}: attemptStarted never ended`);
  for (const [id, state] of outcome.states) {
    const { started, succeeded, failed, cancelled } = state.totals;
    if (state.inFlight !== 0) throw new Error(`${id}: inFlight ${state.inFlight} at the end`);
    if (started !== succeeded + failed + cancelled) {
      throw new Error(`${id}: totals started ${started} ≠ succeeded ${succeeded} + failed ${failed} + cancelled ${cancelled}`);
    }
    const counts = perDeployment.get(id) ?? { started: 0, succeeded: 0, ended: 0 };
    if (counts.started !== started || counts.succeeded !== succeeded || counts.ended !== failed + cancelled + succeeded) {
      throw new Error(`${id}: totals ${JSON.stringify(state.totals)} disagree with events$ ${JSON.stringify(counts)}`);
    }
  }
}

/**
 * 7. Every upstream subscription was unsubscribed, completed or errored by the end; and (DESIGN §1)
 * in the very tick its call ended or its caller left, never later.
 */
export function upstreamReleased(outcome: Outcome): void {
  if (outcome.liveUpstream !== 0) throw new Error(`${outcome.liveUpstream} upstream subscriptions still open at the end`);
  for (const record of outcome.calls) {
    const callId = outcome.routerCallIds.get(record.index);
    if (callId === undefined) continue;
    const ended = outcome.log.find(
      (entry) => (entry.type === 'error' || entry.type === 'complete' || entry.type === 'unsubscribe') && entry.call === record.index,
    );
    if (ended === undefined) continue;
    for (const upstream of outcome.upstreamCalls) {
      if (upstream.call !== callId || upstream.at > ended.at) continue;
      if (upstream.closedAt === undefined || upstream.closedAt > ended.at) {
        fail(record, `upstream ${upstream.tag} still open at ${ended.at}, when the call's ${ended.type} happened (closed at ${upstream.closedAt ?? 'never'})`);
      }
    }
  }
}

/**
 * 8. Every answer a caller got counts as a success of the deployment that gave it, whichever API it
 * used: the call has an `attemptSucceeded` there, and the deployment's `totals.succeeded` covers them.
 */
export function successesRecorded(outcome: Outcome): void {
  const answered = new Map<string, number>();
  for (const record of outcome.calls) {
    const values = valuesOf(outcome, record);
    const first = values[0];
    if (first === undefined) continue;
    // A stream is whole only when it completed; a completion is whole as it arrives.
    if (record.spec.request.stream && !streamCompleted(outcome, record)) continue;
    const upstream = outcome.upstreamCalls.find((call) => call.tag === tagOf(first));
    if (upstream === undefined) fail(record, `a value from no upstream call (${first.id})`);
    const callId = outcome.routerCallIds.get(record.index);
    const succeeded = events(outcome).some(
      ({ event }) => event.type === 'attemptSucceeded' && event.call === callId && event.deployment === upstream.deployment,
    );
    if (!succeeded) fail(record, `answered by ${upstream.deployment}, but no attemptSucceeded recorded for it`);
    answered.set(upstream.deployment, (answered.get(upstream.deployment) ?? 0) + 1);
  }
  for (const [id, count] of answered) {
    const succeeded = outcome.states.get(id)?.totals.succeeded ?? 0;
    if (succeeded < count) throw new Error(`${id} answered ${count} calls but totals.succeeded is ${succeeded}`);
  }
}

function streamCompleted(outcome: Outcome, record: CallRecord): boolean {
  switch (record.spec.caller.kind) {
    case 'observe':
    case 'unsubscribe':
      return notificationsOf(outcome, record.index).some((entry) => entry.type === 'complete');
    case 'drain':
      return isDone(record.iterated[record.iterated.length - 1]);
    default:
      return false;
  }
}

/** The attempts of `mine` (one call's events) still open once the event at `index` has happened. */
function openAttempts(mine: readonly { index: number; event: RouterEvent }[], index: number): number {
  let open = 0;
  for (const entry of mine) {
    if (entry.index > index) break;
    if (entry.event.type === 'attemptStarted') open += 1;
    else if (entry.event.type === 'attemptSucceeded' || entry.event.type === 'attemptFailed' || entry.event.type === 'attemptCancelled') open -= 1;
  }
  return open;
}

/** DESIGN §4: never retried, whatever the budget (401 only in a one-deployment group). */
const neverRetried = new Set([400, 403, 404, 413, 422]);

function coolingAt(all: readonly { index: number; event: RouterEvent }[], id: string, before: number, at: number): boolean {
  const last = all
    .filter(({ index, event }) => index < before && (event.type === 'cooldownStarted' || event.type === 'cooldownEnded') && event.deployment === id)
    .at(-1)?.event;
  return last?.type === 'cooldownStarted' && last.until > at;
}

/**
 * 9. DESIGN §4's retry rules, seen on `events$`: after an attempt fails before the commit point with
 * 400, 403, 404, 413, 422 (or 401 in a one-deployment group), its group is never retried; after any
 * other failure (408, 409, 429, 5xx, 529, connection errors, the router's own clocks), with retries
 * left and another deployment of the group healthy (neither cooling nor half-open with its probes
 * all in flight) and not yet failed in this call, the retry follows at once.
 */
export function retriesFollowRules(outcome: Outcome): void {
  const all = events(outcome);
  const { router } = outcome.scenario;
  const halfOpen = trackHalfOpen(outcome);
  // A half-open deployment with every probe slot taken is no more available than a cooling one (DESIGN §12).
  const probing = (id: string, before: number) => (halfOpen.probesBefore(id, before)?.size ?? 0) >= Math.max(1, halfOpen.limit);
  for (const record of outcome.calls) {
    const kind = record.spec.caller.kind;
    // Streams read through stream() show no timing of their chunks: the commit point is unknown.
    if (kind === 'drain' || kind === 'break') continue;
    const callId = outcome.routerCallIds.get(record.index);
    if (callId === undefined) continue;
    const mine = all.filter(({ event }) => 'call' in event && event.call === callId);
    for (const { index, event } of mine) {
      if (event.type !== 'attemptFailed' || event.code === 'deadline_exceeded') continue;
      const committed = outcome.log.some((entry, at) => at < index && entry.type === 'next' && entry.call === record.index);
      if (committed) continue;
      // A hedge of the call still racing (DESIGN §12): the call goes on with it, nothing is retried yet.
      if (openAttempts(mine, index) > 0) continue;
      const group = router.deployments.filter((deployment) => deployment.group === event.group);
      const retried = (entry: { event: RouterEvent }): entry is { event: EventOf<'retry'> } => entry.event.type === 'retry' && entry.event.group === event.group;
      const later = mine.filter((entry) => entry.index > index);
      if (neverRetried.has(event.status) || (event.status === 401 && group.length === 1)) {
        if (later.some(retried)) fail(record, `${event.group} retried after ${event.status} ${event.code} from ${event.deployment}`);
        continue;
      }
      const params = group.find((deployment) => deployment.id === event.deployment)?.params;
      const allowed = record.spec.request.num_retries ?? params?.num_retries ?? router.settings.num_retries ?? 2;
      const made = mine.filter((entry) => entry.index < index).filter(retried).length;
      if (made >= allowed) continue;
      const failedBefore = (id: string) =>
        mine.some((entry) => entry.index < index && entry.event.type === 'attemptFailed' && entry.event.deployment === id);
      const elsewhere = group.filter(
        (deployment) =>
          deployment.id !== event.deployment && !failedBefore(deployment.id) && !coolingAt(all, deployment.id, index, event.at) && !probing(deployment.id, index),
      );
      if (elsewhere.length === 0) continue;
      const next = later[0]?.event;
      if (next?.type !== 'retry' || next.group !== event.group) {
        fail(
          record,
          `after ${event.status} ${event.code} from ${event.deployment} (retry ${made} of ${allowed}; ${elsewhere.map((deployment) => deployment.id).join(', ')} healthy) came ${next === undefined ? 'nothing' : next.type}, not a retry of ${event.group}`,
        );
      }
    }
  }
}


/**
 * 11. DESIGN §9: every attempt of a call asks its provider for the call's own kind (chat, text
 * completion, embeddings), streaming exactly when the call does.
 */
export function attemptsKeepTheirKind(outcome: Outcome): void {
  for (const record of outcome.calls) {
    const callId = outcome.routerCallIds.get(record.index);
    if (callId === undefined) continue;
    for (const upstream of outcome.upstreamCalls) {
      if (upstream.call !== callId) continue;
      if (upstream.kind !== record.spec.kind || upstream.stream !== record.spec.request.stream) {
        fail(record, `upstream ${upstream.tag} was asked for ${upstream.kind}${upstream.stream ? ' (stream)' : ''}`);
      }
    }
  }
}

/**
 * 12. DESIGN §3, §9: stream clocks are for streams. A non-streaming attempt (every embeddings call)
 * is capped by `timeout` alone: none ever fails with `first_chunk_timeout` or `idle_timeout`.
 */
export function streamClocksOnlyForStreams(outcome: Outcome): void {
  for (const record of outcome.calls) {
    if (record.spec.request.stream) continue;
    const callId = outcome.routerCallIds.get(record.index);
    const cut = events(outcome).find(
      ({ event }) => event.type === 'attemptFailed' && event.call === callId && (event.code === 'first_chunk_timeout' || event.code === 'idle_timeout'),
    );
    if (cut !== undefined) fail(record, `a non-streaming attempt cut by a stream clock: ${JSON.stringify(cut.event)}`);
  }
}
