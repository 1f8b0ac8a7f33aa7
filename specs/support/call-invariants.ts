// The Router's promises (DESIGN §1, §3, §4, §6) as checks over one run's `Outcome`. Each throws an
// Error saying which call broke which promise; fast-check prints it with the shrunk scenario.
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import type { CallRecord, LogEntry, Outcome, Settlement } from './run-scenario.js';
import { type Output, tagOf } from './scripted-upstream.js';

type EventOf<T extends RouterEvent['type']> = Extract<RouterEvent, { type: T }>;

function fail(record: CallRecord, message: string): never {
  throw new Error(`call ${record.index} (${record.spec.caller.kind}, ${record.spec.request.stream ? 'stream' : 'non-streaming'}): ${message}`);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}${error instanceof RxllmError ? ` ${error.status} ${error.code}` : ''}: ${error.message}`;
  return String(error);
}

/** What the caller saw through `completion$`, in order (no unsubscribe marks). */
function notificationsOf(outcome: Outcome, index: number): Exclude<LogEntry, { type: 'event' | 'unsubscribe' }>[] {
  return outcome.log.filter(
    (entry): entry is Exclude<LogEntry, { type: 'event' | 'unsubscribe' }> =>
      entry.type !== 'event' && entry.type !== 'unsubscribe' && entry.call === index,
  );
}

function isTerminal(entry: LogEntry): boolean {
  return entry.type === 'error' || entry.type === 'complete';
}

/** The values a caller got, whatever its API. */
function valuesOf(outcome: Outcome, record: CallRecord): Output[] {
  switch (record.spec.caller.kind) {
    case 'observe':
    case 'unsubscribe':
      return notificationsOf(outcome, record.index).flatMap((entry) => (entry.type === 'next' ? [entry.value] : []));
    case 'promise':
      return record.promise?.state.status === 'fulfilled' ? [record.promise.state.value] : [];
    case 'drain':
    case 'break':
      return record.iterated.flatMap((result) => (result.status === 'fulfilled' && result.value.done !== true ? [result.value.value] : []));
  }
}

/** The errors a caller got, whatever its API. */
function errorsOf(outcome: Outcome, record: CallRecord): unknown[] {
  switch (record.spec.caller.kind) {
    case 'observe':
    case 'unsubscribe':
      return notificationsOf(outcome, record.index).flatMap((entry) => (entry.type === 'error' ? [entry.error] : []));
    case 'promise':
      return record.promise?.state.status === 'rejected' ? [record.promise.state.reason] : [];
    case 'drain':
    case 'break':
      return record.iterated.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  }
}

function events(outcome: Outcome): { readonly index: number; readonly event: RouterEvent }[] {
  return outcome.log.flatMap((entry, index) => (entry.type === 'event' ? [{ index, event: entry.event }] : []));
}

function isDone(result: Settlement<IteratorResult<unknown>> | undefined): boolean {
  return result?.status === 'fulfilled' && result.value.done === true;
}

/**
 * 1. Exactly one outcome: a call subscribed to the end gets one complete or one error, and nothing
 * after it; one unsubscribed early gets at most one, before it left; `completion()` settles;
 * `stream()` ends (done or a throw), also when broken out of with a `next()` still waiting.
 */
export function endsExactlyOnce(outcome: Outcome): void {
  for (const record of outcome.calls) {
    const caller = record.spec.caller;
    switch (caller.kind) {
      case 'observe':
      case 'unsubscribe': {
        const notifications = notificationsOf(outcome, record.index);
        const terminals = notifications.filter(isTerminal);
        const last = notifications[notifications.length - 1];
        if (terminals.length > 1) fail(record, `${terminals.length} terminal notifications`);
        if (terminals.length === 1 && last !== undefined && !isTerminal(last)) fail(record, `a ${last.type} after its ${terminals[0]?.type}`);
        if (caller.kind === 'observe' && terminals.length === 0) fail(record, 'never completed nor errored');
        if (caller.kind === 'unsubscribe') {
          const left = outcome.log.findIndex((entry) => entry.type === 'unsubscribe' && entry.call === record.index);
          const late = outcome.log.findIndex((entry, index) => index > left && left !== -1 && entry.type !== 'event' && entry.type !== 'unsubscribe' && entry.call === record.index);
          if (late !== -1) fail(record, `a ${outcome.log[late]?.type} after the caller unsubscribed`);
        }
        break;
      }
      case 'promise':
        if (record.promise?.state.status !== 'fulfilled' && record.promise?.state.status !== 'rejected') fail(record, 'completion() never settled');
        break;
      case 'drain':
      case 'break': {
        const pending = record.iterated.findIndex((result) => result.status === 'pending');
        if (pending !== -1) fail(record, `next() #${pending} never settled${caller.kind === 'break' ? ' (return() was called while it waited)' : ''}`);
        const last = record.iterated[record.iterated.length - 1];
        if (last?.status !== 'rejected' && !isDone(last)) fail(record, 'the iterator never ended');
        if (!isDone(record.afterEnd)) fail(record, 'next() after the end is not { done: true }');
        break;
      }
    }
  }
}

/** The call's deadline in ms: request `timeout`, else router `timeout`, else 600 s. */
export function deadlineMs(outcome: Outcome, record: CallRecord): number {
  const seconds = record.spec.request.timeout ?? outcome.scenario.router.settings.timeout ?? 600;
  return Math.round(seconds * 1000);
}

/** 2. The call ends no later than its deadline (plus one virtual ms) after it was subscribed. */
export function endsByDeadline(outcome: Outcome): void {
  for (const record of outcome.calls) {
    const terminal = notificationsOf(outcome, record.index).find(isTerminal);
    if (terminal === undefined) continue;
    const took = terminal.at - record.subscribedAt;
    const limit = deadlineMs(outcome, record);
    if (took > limit + 1) fail(record, `ended ${took} ms after subscribe, past its deadline of ${limit} ms`);
  }
}

/** 3. Every error a caller sees, through any API, is an `RxllmError`. */
export function errorsAreTyped(outcome: Outcome): void {
  for (const record of outcome.calls) {
    for (const error of errorsOf(outcome, record)) {
      if (!(error instanceof RxllmError)) fail(record, `an error that is not an RxllmError: ${describeError(error)}`);
    }
  }
}

function contentOf(value: Output): string | undefined {
  if (value.object !== 'chat.completion.chunk') return undefined;
  const content = value.choices[0]?.delta.content;
  return typeof content === 'string' && content !== '' ? content : undefined;
}

/**
 * 4. A stream's chunks all come from one upstream call (nothing from an attempt that was given up),
 * no content chunk twice, nothing after an error. A non-streaming call ends in its one completion
 * and a complete, or in an error with no value before it.
 */
export function deliversOnce(outcome: Outcome): void {
  for (const record of outcome.calls) {
    const values = valuesOf(outcome, record);
    if (record.spec.request.stream) {
      const tags = new Set(values.map(tagOf));
      if (tags.size > 1) fail(record, `chunks from ${tags.size} upstream calls: ${[...tags].join(', ')}`);
      const contents = values.map(contentOf).filter((content) => content !== undefined);
      const twice = contents.find((content, index) => contents.indexOf(content) !== index);
      if (twice !== undefined) fail(record, `content chunk "${twice}" delivered twice`);
      if (values.some((value) => value.object !== 'chat.completion.chunk')) fail(record, 'a stream delivered something other than a chunk');
    } else {
      if (values.length > 1) fail(record, `${values.length} values from a non-streaming call`);
      if (values.some((value) => value?.object !== 'chat.completion')) fail(record, 'a non-streaming call delivered something other than a completion');
    }
    if (record.spec.caller.kind === 'observe' || record.spec.caller.kind === 'unsubscribe') {
      // The commit point (DESIGN §4): once a value went out, no attempt starts for the call.
      const firstValue = outcome.log.findIndex((entry) => entry.type === 'next' && entry.call === record.index);
      const callId = outcome.routerCallIds.get(record.index);
      const startedAfter = outcome.log.find(
        (entry, index) => index > firstValue && firstValue !== -1 && entry.type === 'event' && entry.event.type === 'attemptStarted' && entry.event.call === callId,
      );
      if (startedAfter !== undefined) fail(record, `an attempt started at ${startedAfter.at} after the call's first value`);
      const notifications = notificationsOf(outcome, record.index);
      const error = notifications.findIndex((entry) => entry.type === 'error');
      if (error !== -1 && notifications.slice(error + 1).some((entry) => entry.type === 'next')) fail(record, 'a value after the error');
      if (!record.spec.request.stream) {
        const kinds = notifications.map((entry) => entry.type).join(',');
        if (kinds !== '' && kinds !== 'next' && kinds !== 'next,complete' && kinds !== 'error') {
          fail(record, `a non-streaming call notified ${kinds} (expected next,complete or error)`);
        }
      }
    }
  }
}

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

/**
 * 10. A call's final error lists every attempt the call started, in order, each with the code and
 * status its `attemptFailed` reported (the one the deadline cut included), whichever API the caller used.
 */
export function finalErrorListsAttempts(outcome: Outcome): void {
  const all = events(outcome);
  for (const record of outcome.calls) {
    const error = errorsOf(outcome, record)[0];
    if (!(error instanceof RxllmError)) continue;
    const callId = outcome.routerCallIds.get(record.index);
    const mine = all.filter(({ event }) => 'call' in event && event.call === callId).map(({ event }) => event);
    const started = mine.filter((event) => event.type === 'attemptStarted').map((event) => event.deployment);
    const failed = mine.flatMap((event) => (event.type === 'attemptFailed' ? [`${event.deployment} ${event.status} ${event.code}`] : []));
    const listed = error.attempts.map((attempt) => `${attempt.deployment} ${attempt.status} ${attempt.code}`);
    if (listed.length !== started.length || listed.join() !== failed.join()) {
      fail(record, `error ${error.status} ${error.code} lists [${listed.join('; ')}], the call started [${started.join('; ')}] and reported failed [${failed.join('; ')}]`);
    }
  }
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
 * left and another deployment of the group healthy and not yet failed in this call, the retry
 * follows at once.
 */
export function retriesFollowRules(outcome: Outcome): void {
  const all = events(outcome);
  const { router } = outcome.scenario;
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
        (deployment) => deployment.id !== event.deployment && !failedBefore(deployment.id) && !coolingAt(all, deployment.id, index, event.at),
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
