// DESIGN §12's hedging as checks over one run's `Outcome`: when a hedge starts, where it goes, what
// becomes of the losers, and the budget. Each throws an Error naming the call that broke the rule.
import type { RouterEvent } from '../../src/router/router-events.js';
import { events, fail } from './outcome-queries.js';
import type { CallRecord, Outcome } from './run-scenario.js';

/** The call's `hedge_after` in ms (request, else router), or undefined when it set none. */
function hedgeAfterMs(outcome: Outcome, record: CallRecord): number | undefined {
  const seconds = record.spec.request.hedge_after ?? outcome.scenario.router.settings.hedge_after;
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

/**
 * 13. For every call: a hedge starts only before the call's first value, exactly `n × hedge_after`
 * after the attempt it hedges started, at a deployment with no attempt of the call in flight and none
 * failed in the call, and never past `max_hedges`; a `hedgeWon`'s losers each end in
 * `attemptCancelled` in that very tick, never `attemptFailed`; and no group ever hedges more than
 * `hedge_budget` × the attempts started in it (the window is a minute; scenarios last less).
 */
export function hedgesFollowRules(outcome: Outcome): void {
  const all = events(outcome);
  const { settings } = outcome.scenario.router;
  for (const record of outcome.calls) {
    const callId = outcome.routerCallIds.get(record.index);
    if (callId === undefined) continue;
    const mine = all.filter(({ event }) => 'call' in event && event.call === callId);
    const open = new Set<string>();
    const failed = new Set<string>();
    let hedgedStart: number | undefined;
    let hedges = 0;
    let previous: RouterEvent | undefined;
    for (const { index, event } of mine) {
      switch (event.type) {
        case 'attemptStarted':
          // The attempt a hedge is measured from is one that no hedgeStarted announced.
          if (previous?.type !== 'hedgeStarted') {
            hedgedStart = event.at;
            hedges = 0;
          }
          open.add(event.deployment);
          break;
        case 'attemptSucceeded':
        case 'attemptCancelled':
          open.delete(event.deployment);
          break;
        case 'attemptFailed':
          open.delete(event.deployment);
          failed.add(event.deployment);
          break;
        case 'hedgeStarted': {
          hedges += 1;
          const after = hedgeAfterMs(outcome, record);
          const max = record.spec.request.max_hedges ?? settings.max_hedges ?? 1;
          if (after === undefined) fail(record, `a hedge without hedge_after: ${JSON.stringify(event)}`);
          if (hedges > max) fail(record, `hedge #${hedges} past max_hedges ${max}`);
          if (hedgedStart === undefined || event.at - hedgedStart !== after * event.hedge || event.afterMs !== after * event.hedge) {
            fail(record, `hedge #${event.hedge} at ${event.at}, its attempt started at ${hedgedStart ?? '?'}, hedge_after ${after} ms`);
          }
          if (open.has(event.deployment) || failed.has(event.deployment)) fail(record, `a hedge to ${event.deployment}, in flight or failed in the call`);
          const valued = outcome.log.some((entry, at) => at < index && entry.type === 'next' && entry.call === record.index);
          if (valued) fail(record, `a hedge at ${event.at} after the call's first value`);
          break;
        }
        case 'hedgeWon':
          for (const loser of event.losers) {
            const end = mine.find((entry) => entry.index > index && 'deployment' in entry.event && entry.event.deployment === loser)?.event;
            if (end?.type !== 'attemptCancelled' || end.at !== event.at) {
              fail(record, `loser ${loser} of the race won by ${event.winner} at ${event.at} ended with ${end === undefined ? 'nothing' : `${end.type} at ${end.at}`}`);
            }
          }
          break;
        default:
          break;
      }
      previous = event;
    }
  }
  // The budget, per group: hedges so far against every attempt started that no hedge announced.
  const perGroup = new Map<string, { attempts: number; hedges: number }>();
  let previous: RouterEvent | undefined;
  for (const { event } of all) {
    const counts = 'group' in event ? (perGroup.get(event.group) ?? { attempts: 0, hedges: 0 }) : undefined;
    if (counts !== undefined && 'group' in event) perGroup.set(event.group, counts);
    if (event.type === 'attemptStarted' && previous?.type !== 'hedgeStarted' && counts !== undefined) counts.attempts += 1;
    if (event.type === 'hedgeStarted' && counts !== undefined) {
      counts.hedges += 1;
      const budget = settings.hedge_budget ?? 0.1;
      if (counts.hedges > budget * counts.attempts) throw new Error(`${event.group}: hedge ${counts.hedges} at ${event.at} for ${counts.attempts} attempts, past hedge_budget ${budget}`);
    }
    previous = event;
  }
}
