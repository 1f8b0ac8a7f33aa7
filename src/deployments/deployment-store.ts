import { BehaviorSubject, defer, map, type Observable, type SchedulerLike, startWith, Subject, type Subscription } from 'rxjs';
import type { DeploymentMessage } from './deployment-message.js';
import { type DeploymentState, initialDeploymentState } from './deployment-state.js';
import type { DeploymentReducer } from './reduce-deployment.js';

/** One state change of one deployment, as the store publishes it. */
export interface DeploymentTransition {
  readonly message: DeploymentMessage;
  readonly previous: DeploymentState;
  readonly next: DeploymentState;
  /** Scheduler time of the change. */
  readonly at: number;
}

/**
 * Where deployment actors keep their state. Messages go in through `send`; state comes out as
 * snapshots and Observables. An interface so that a shared store (Redis) can replace the in-memory
 * one for several router processes.
 */
export interface DeploymentStore {
  /** The deployment's current state. */
  get(id: string): DeploymentState;
  /** Delivers a message to the deployment's actor: its reducer computes the next state. */
  send(id: string, message: DeploymentMessage): void;
  /** The deployment's state now and after every change. */
  state$(id: string): Observable<DeploymentState>;
  /** Every deployment's state now and after every change. */
  readonly all$: Observable<ReadonlyMap<string, DeploymentState>>;
  readonly transitions$: Observable<DeploymentTransition>;
  /**
   * Cancels pending cooldown-expiry timers. A shared store also lets go of its connections and
   * returns a Promise of that; the in-memory one returns nothing.
   */
  close(): void | Promise<void>;
}

/**
 * Builds the store a Router keeps its deployments in, from the Router's deployments and scheduler:
 * what `RouterOptions.store` takes (`redisDeploymentStore({ url })`, or your own).
 */
export type DeploymentStoreFactory = (specs: readonly DeploymentActorSpec[], scheduler: SchedulerLike) => DeploymentStore;

export interface DeploymentActorSpec {
  readonly id: string;
  readonly group: string;
  readonly reducer: DeploymentReducer;
}

interface Actor {
  readonly reducer: DeploymentReducer;
  readonly state: BehaviorSubject<DeploymentState>;
  expiry: Subscription | undefined;
}

/**
 * The in-memory store: one actor per deployment. The actor schedules its own `cooldownExpired`
 * message on `scheduler`, so a cooled deployment comes back by itself, in virtual time under
 * `TestScheduler` too.
 */
export function createInMemoryDeploymentStore(specs: readonly DeploymentActorSpec[], scheduler: SchedulerLike): DeploymentStore {
  const actors = new Map<string, Actor>();
  for (const spec of specs) {
    actors.set(spec.id, {
      reducer: spec.reducer,
      state: new BehaviorSubject(initialDeploymentState(spec.id, spec.group)),
      expiry: undefined,
    });
  }
  const transitions = new Subject<DeploymentTransition>();

  const actorOf = (id: string): Actor => {
    const actor = actors.get(id);
    if (actor === undefined) throw new Error(`unknown deployment "${id}"`);
    return actor;
  };

  // A real timer may fire a millisecond before the clock reads its end (Node's timers run on a
  // monotonic clock, `Date.now()` on the wall clock): the reducer would then keep the cooldown, and
  // nothing would end it until the deployment's next message. So the expiry waits out any rest.
  const scheduleExpiry = (id: string, actor: Actor, delay: number): Subscription =>
    scheduler.schedule(() => {
      const until = actor.state.value.cooldownUntil;
      const now = scheduler.now();
      if (until !== undefined && until > now) actor.expiry = scheduleExpiry(id, actor, until - now);
      else send(id, { type: 'cooldownExpired' });
    }, delay);

  const send = (id: string, message: DeploymentMessage): void => {
    const actor = actorOf(id);
    const previous = actor.state.value;
    const at = scheduler.now();
    const next = actor.reducer(previous, message, at);
    if (next === previous) return;
    if (next.cooldownUntil !== previous.cooldownUntil) {
      actor.expiry?.unsubscribe();
      actor.expiry = next.cooldownUntil === undefined ? undefined : scheduleExpiry(id, actor, next.cooldownUntil - at);
    }
    actor.state.next(next);
    if (transitions.observed) transitions.next({ message, previous, next, at });
  };

  return {
    get: (id) => actorOf(id).state.value,
    send,
    state$: (id) => actorOf(id).state.asObservable(),
    all$: defer(() =>
      transitions.pipe(
        startWith(undefined),
        map(() => new Map([...actors].map(([id, actor]) => [id, actor.state.value] as const))),
      ),
    ),
    transitions$: transitions.asObservable(),
    close: () => {
      for (const actor of actors.values()) actor.expiry?.unsubscribe();
    },
  };
}
