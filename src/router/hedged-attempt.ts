import type { Observable } from 'rxjs';
import type { Deployment } from '../config/router-settings.js';
import { hedge } from '../policies/hedge.js';
import { attempt$, type CallOutput } from './attempt.js';
import type { CallState } from './call-state.js';
import { pickDeployment } from './pick-deployment.js';
import { emit, type RouterCore } from './router-core.js';

/** A call's hedging, resolved: request > `model_group_hedging` > router (DESIGN §12). */
interface Hedging {
  readonly afterMs: number;
  readonly maxHedges: number;
}

/** The shortest wait before a hedge: the microsecond every duration is rounded to. */
const minHedgeAfterMs = 0.001;

/** The call's hedging in `group`, or undefined when it is off (no `hedge_after`, or `max_hedges` 0). */
export function hedgingOf(core: RouterCore, call: CallState, group: string): Hedging | undefined {
  const own = core.settings.hedging.get(group);
  const afterMs = call.request.hedgeAfterMs ?? own?.afterMs;
  const maxHedges = call.request.maxHedges ?? own?.maxHedges ?? 0;
  // Durations are rounded to the microsecond: a positive `hedge_after` under half a nanosecond came
  // out 0 ms, which the hedge operator refuses (a 500 for every such call). It means "at once".
  return afterMs === undefined || maxHedges === 0 ? undefined : { afterMs: Math.max(afterMs, minHedgeAfterMs), maxHedges };
}

/**
 * One attempt at `primary` with hedges (DESIGN §12): each `afterMs` without content, one more attempt
 * starts at another healthy deployment of the group, never one this call has in flight or saw fail,
 * while the group's `hedge_budget` allows. Each is an ordinary `attempt$` (its clocks, its report to
 * the actor); the first to deliver content wins and the others are unsubscribed in that tick, which
 * their `attempt$` reports as cancelled. One failing before content leaves the others running; the
 * attempt fails (and the call retries or falls back) once none is left.
 */
export function hedgedAttempt$(core: RouterCore, call: CallState, primary: Deployment, hedging: Hedging): Observable<CallOutput> {
  const group = primary.group;
  const budget = core.hedgeBudgets.get(group);
  const racing: Deployment[] = [];
  return hedge<CallOutput>(
    {
      after: hedging.afterMs,
      maxHedges: hedging.maxHedges,
      scheduler: core.scheduler,
      onWin: (winner, losers) =>
        emit(core, () => ({
          type: 'hedgeWon',
          call: call.id,
          group,
          winner: racing[winner]?.id ?? '',
          losers: losers.map((index) => racing[index]?.id ?? ''),
          at: core.scheduler.now(),
        })),
    },
    (index) => {
      const now = core.scheduler.now();
      if (index === 0) {
        budget?.attemptStarted(now);
        racing[0] = primary;
        return attempt$(core, call, primary);
      }
      const next = pickDeployment(core, call, group, true, [...call.inFlight(), ...call.failed]);
      // The budget is spent only on a hedge that can start.
      const reason = next === undefined ? 'no_deployment' : budget?.tryHedge(now) === false ? 'budget' : undefined;
      if (next === undefined || reason !== undefined) {
        emit(core, () => ({ type: 'hedgeSkipped', call: call.id, group, reason: reason ?? 'no_deployment', at: now }));
        return undefined;
      }
      racing[index] = next;
      emit(core, () => ({ type: 'hedgeStarted', call: call.id, group, deployment: next.id, hedge: index, afterMs: hedging.afterMs * index, at: now }));
      return attempt$(core, call, next);
    },
  );
}
