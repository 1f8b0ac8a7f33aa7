// Reading one run's `Outcome`: what each caller saw, whatever its API, and the router's events in
// log order. Shared by the invariant files.
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import type { CallRecord, LogEntry, Outcome, Settlement } from './run-scenario.js';
import type { Output } from './scripted-upstream.js';

export type EventOf<T extends RouterEvent['type']> = Extract<RouterEvent, { type: T }>;

/** Throws the violation, naming the call and how it was consumed. */
export function fail(record: CallRecord, message: string): never {
  throw new Error(`call ${record.index} (${record.spec.kind}, ${record.spec.caller.kind}, ${record.spec.request.stream ? 'stream' : 'non-streaming'}): ${message}`);
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}${error instanceof RxllmError ? ` ${error.status} ${error.code}` : ''}: ${error.message}`;
  return String(error);
}

/** What the caller saw through `completion$`, in order (no unsubscribe marks). */
export function notificationsOf(outcome: Outcome, index: number): Exclude<LogEntry, { type: 'event' | 'unsubscribe' }>[] {
  return outcome.log.filter(
    (entry): entry is Exclude<LogEntry, { type: 'event' | 'unsubscribe' }> =>
      entry.type !== 'event' && entry.type !== 'unsubscribe' && entry.call === index,
  );
}

export function isTerminal(entry: LogEntry): boolean {
  return entry.type === 'error' || entry.type === 'complete';
}

/** The values a caller got, whatever its API. */
export function valuesOf(outcome: Outcome, record: CallRecord): Output[] {
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
export function errorsOf(outcome: Outcome, record: CallRecord): unknown[] {
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

/** The router's events with their place in the log. */
export function events(outcome: Outcome): { readonly index: number; readonly event: RouterEvent }[] {
  return outcome.log.flatMap((entry, index) => (entry.type === 'event' ? [{ index, event: entry.event }] : []));
}

export function isDone(result: Settlement<IteratorResult<unknown>> | undefined): boolean {
  return result?.status === 'fulfilled' && result.value.done === true;
}

