import type { SchedulerLike, Subject } from 'rxjs';
import type { RouterSettings } from '../config/router-settings.js';
import type { DeploymentStore } from '../deployments/deployment-store.js';
import type { Provider } from '../providers/provider.js';
import type { RoutingStrategy } from '../routing/routing-strategy.js';
import type { HedgeBudget } from './hedge-budget.js';
import type { RouterEvent } from './router-events.js';

/** What every part of the call pipeline shares: one per Router. */
export interface RouterCore {
  readonly settings: RouterSettings;
  readonly store: DeploymentStore;
  readonly provider: Provider;
  readonly strategy: RoutingStrategy;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly events: Subject<RouterEvent>;
  /** `hedge_budget` per model group: every group has one. */
  readonly hedgeBudgets: ReadonlyMap<string, HedgeBudget>;
  /** Set by `router.close()`: calls subscribed after it fail at once. */
  readonly lifecycle: { closed: boolean };
}

/** Publishes an event only when someone listens, so an unobserved router pays nothing for events. */
export function emit(core: RouterCore, event: () => RouterEvent): void {
  if (core.events.observed) core.events.next(event());
}
