// The Router's promises to a caller (DESIGN §1, §3, §4) as checks over one run's `Outcome`: one
// outcome, by the deadline, typed errors, chunks once, the final error's attempts. Each throws an
// Error saying which call broke which promise; fast-check prints it with the shrunk scenario.
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { CallKindName } from '../../src/router/call-kind.js';
import type { CallRecord, Outcome } from './run-scenario.js';
import { describeError, errorsOf, events, fail, isDone, isTerminal, notificationsOf, valuesOf } from './outcome-queries.js';
import { type Output, tagOf } from './scripted-upstream.js';

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

/** The content a streamed chunk (chat) or piece (text completion) carries, when not empty. */
function contentOf(value: Output): string | undefined {
  const content =
    value.object === 'chat.completion.chunk' ? value.choices[0]?.delta.content : value.object === 'text_completion' ? value.choices[0]?.text : undefined;
  return typeof content === 'string' && content !== '' ? content : undefined;
}

/** The `object` a call of `kind` delivers: streamed (chunks, pieces) or whole. */
function expectedObject(kind: CallKindName, stream: boolean): Output['object'] {
  switch (kind) {
    case 'chat':
      return stream ? 'chat.completion.chunk' : 'chat.completion';
    case 'text_completion':
      return 'text_completion';
    case 'embedding':
      return 'list';
  }
}

/**
 * 4. A stream's chunks all come from one upstream call (nothing from an attempt that was given up),
 * no content chunk twice, nothing after an error. A non-streaming call ends in its one answer and a
 * complete, or in an error with no value before it. Whatever the kind, every value is of the kind
 * the caller asked for (chunks or pieces of a stream, one completion or embeddings list otherwise).
 */
export function deliversOnce(outcome: Outcome): void {
  for (const record of outcome.calls) {
    const values = valuesOf(outcome, record);
    const expected = expectedObject(record.spec.kind, record.spec.request.stream);
    const stranger = values.find((value) => value.object !== expected);
    if (stranger !== undefined) fail(record, `delivered a ${stranger.object} where a ${expected} was due`);
    if (record.spec.request.stream) {
      const tags = new Set(values.map(tagOf));
      if (tags.size > 1) fail(record, `chunks from ${tags.size} upstream calls: ${[...tags].join(', ')}`);
      const contents = values.map(contentOf).filter((content) => content !== undefined);
      const twice = contents.find((content, index) => contents.indexOf(content) !== index);
      if (twice !== undefined) fail(record, `content chunk "${twice}" delivered twice`);
    } else if (values.length > 1) {
      fail(record, `${values.length} values from a non-streaming call`);
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
 * 10. A call's final error lists every attempt the call started, in order, each with the code and
 * status its `attemptFailed` reported (the one the deadline cut included), or `499 hedge_lost` for a
 * hedge's loser, whichever API the caller used.
 */
export function finalErrorListsAttempts(outcome: Outcome): void {
  const all = events(outcome);
  for (const record of outcome.calls) {
    const error = errorsOf(outcome, record)[0];
    if (!(error instanceof RxllmError)) continue;
    const callId = outcome.routerCallIds.get(record.index);
    const mine = all.filter(({ event }) => 'call' in event && event.call === callId).map(({ event }) => event);
    const started = mine.filter((event) => event.type === 'attemptStarted').map((event) => event.deployment);
    // A hedge's loser (DESIGN §12) ends cancelled, and is listed as `hedge_lost`.
    const losers = new Set<string>();
    const failed = mine.flatMap((event) => {
      if (event.type === 'hedgeWon') for (const loser of event.losers) losers.add(loser);
      if (event.type === 'attemptCancelled' && losers.delete(event.deployment)) return [`${event.deployment} 499 hedge_lost`];
      return event.type === 'attemptFailed' ? [`${event.deployment} ${event.status} ${event.code}`] : [];
    });
    const listed = error.attempts.map((attempt) => `${attempt.deployment} ${attempt.status} ${attempt.code}`);
    if (listed.length !== started.length || listed.join() !== failed.join()) {
      fail(record, `error ${error.status} ${error.code} lists [${listed.join('; ')}], the call started [${started.join('; ')}] and reported failed [${failed.join('; ')}]`);
    }
  }
}

