// DESIGN §6, only a deployment's own failures count, as checks over one run's `Outcome`.
import type { Outcome } from './run-scenario.js';
import { events } from './outcome-queries.js';

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

