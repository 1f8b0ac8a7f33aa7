import { randomUUID } from 'node:crypto';
import { defer, filter, map, merge, type Observable, type SchedulerAction, type SchedulerLike, startWith, Subject, type Subscription } from 'rxjs';
import type { DeploymentMessage } from '../deployment-message.js';
import type { DeploymentState } from '../deployment-state.js';
import {
  createInMemoryDeploymentStore,
  type DeploymentActorSpec,
  type DeploymentStore,
  type DeploymentStoreFactory,
} from '../deployment-store.js';
import { clientFault } from '../failure-kind.js';
import type { DeploymentReducer } from '../reduce-deployment.js';
import { decodeFleetMessage, fleetMessagePrefix } from './fleet-message.js';
import { FleetOutbox } from './fleet-outbox.js';
import { FleetView } from './fleet-view.js';
import { mergeFleetState, mergeHealth } from './merge-fleet-state.js';
import { redisKeys } from './redis-keys.js';
import { connectRedis } from './redis-link.js';
import { describeRedis, type RedisStoreOptions, resolveRedisStoreOptions } from './redis-store-options.js';
import { rereadFleet } from './reread-fleet.js';

interface Cached {
  readonly own: DeploymentState;
  readonly version: number;
  /** The 100 ms slot it was merged in: leases and health age with time, not only with messages. */
  readonly slot: number;
  readonly merged: DeploymentState;
}

/**
 * A deployment store shared by a fleet of routers through Redis (DESIGN §10). The in-memory store
 * stays the local mirror every read comes from — `get`, `state$` and `all$` never wait on Redis —
 * and each deployment's state is merged with what the other instances pushed over pub/sub:
 * cooldowns, the failure window, this minute's rpm / tpm usage and their in-flight leases.
 *
 * This instance's changes go out as fire-and-forget pipelines, batched for `flushIntervalMs`
 * (a cooldown at once).
 * While Redis is unreachable the store runs on local state (said once through `log`); when Redis
 * returns it re-reads the keys and writes its live cooldowns and leases again.
 *
 * `transitions$` carries this instance's own changes only (the Router's cooldown events are the ones
 * it caused); the fleet's cooldowns show in `get`, `state$` and `all$`.
 *
 * @example
 * const store = createRedisDeploymentStore(specs, asyncScheduler, { url: 'redis://127.0.0.1:6379' });
 */
export function createRedisDeploymentStore(
  specs: readonly DeploymentActorSpec[],
  scheduler: SchedulerLike,
  options: RedisStoreOptions,
): DeploymentStore {
  const settings = resolveRedisStoreOptions(options);
  const instance = options.instanceId ?? randomUUID();
  const keys = redisKeys(settings.keyPrefix);
  const ids = specs.map((spec) => spec.id);
  const fleet = new FleetView(new Set(ids));

  // The cooldown rules see the fleet's failure window: another instance's failures count here too.
  const fleetAware =
    (reducer: DeploymentReducer): DeploymentReducer =>
    (state, message, now) => {
      const next = reducer(state, message, now);
      if (message.type !== 'attemptFailed' || next.cooldownUntil !== state.cooldownUntil) return next;
      const remote = fleet.get(state.id);
      if (remote === undefined || remote.health.length === 0) return next;
      const viaFleet = reducer({ ...state, health: mergeHealth(state.health, remote.health, now) }, message, now);
      if (viaFleet.cooldownUntil === state.cooldownUntil) return next;
      return { ...next, cooldownUntil: viaFleet.cooldownUntil, cooldownReason: viaFleet.cooldownReason };
    };
  const local = createInMemoryDeploymentStore(
    specs.map((spec) => ({ id: spec.id, group: spec.group, reducer: fleetAware(spec.reducer) })),
    scheduler,
  );

  const remoteChanges = new Subject<string>();
  const cache = new Map<string, Cached>();
  const remoteExpiry = new Map<string, { readonly until: number; readonly timer: Subscription }>();
  let closed = false;

  const get = (id: string): DeploymentState => {
    const own = local.get(id);
    const remote = fleet.get(id);
    if (remote === undefined) return own;
    const now = scheduler.now();
    const version = fleet.version(id);
    const slot = Math.floor(now / 100);
    const hit = cache.get(id);
    if (hit !== undefined && hit.own === own && hit.version === version && hit.slot === slot) return hit.merged;
    const merged = mergeFleetState(own, remote, now);
    cache.set(id, { own, version, slot, merged });
    return merged;
  };

  const announce = (changed: ReadonlySet<string>): void => {
    const now = scheduler.now();
    for (const id of changed) {
      const until = fleet.get(id)?.cooldownUntil;
      // A state$ observer hears when a cooldown another instance started is over, as with its own.
      const expiry = remoteExpiry.get(id);
      if (until !== undefined && until > now && expiry?.until !== until) {
        expiry?.timer.unsubscribe();
        remoteExpiry.set(id, { until, timer: scheduler.schedule(() => remoteChanges.next(id), until - now) });
      }
      remoteChanges.next(id);
    }
  };

  let flushing: Subscription | undefined;
  const scheduleFlush = (): void => {
    flushing ??= scheduler.schedule(() => {
      flushing = undefined;
      outbox.flush(scheduler.now());
    }, settings.flushIntervalMs);
  };

  let rereading = false;
  let rereadAgain = false;
  let synced = false;
  const reread = (back: boolean): void => {
    if (rereading) {
      rereadAgain = true;
      return;
    }
    rereading = true;
    rereadFleet(link.client, keys, ids, instance, local.get, () => scheduler.now())
      .then((remotes) => {
        if (closed) return;
        const changed = new Set<string>();
        for (const [id, remote] of remotes) fleet.reread(id, remote, changed);
        announce(changed);
        const now = scheduler.now();
        // Cooldowns another router set while this one was cut off: adopted, so that they end half-open here too.
        for (const [id, remote] of remotes) adoptCooldown(id, remote.cooldownUntil, remote.cooldownReason, undefined);
        const cooling = ids.flatMap((id) => {
          const { cooldownUntil, cooldownReason, cooldownMs } = local.get(id);
          return cooldownUntil !== undefined && cooldownUntil > now ? [[id, cooldownUntil, cooldownReason ?? 'error', cooldownMs ?? cooldownUntil - now] as const] : [];
        });
        outbox.republish(cooling, now);
        const server = describeRedis(settings);
        if (back || synced) settings.log('info', 'redis reachable again: fleet state re-read, own cooldowns and leases written again', { redis: server });
        else settings.log('info', 'redis connected: sharing deployment state with the fleet', { redis: server });
        synced = true;
      })
      .catch(() => {
        // Redis went away again mid-read: its return triggers another re-read.
      })
      .finally(() => {
        rereading = false;
        if (rereadAgain && !closed) {
          rereadAgain = false;
          reread(true);
        }
      });
  };
  const known = new Set(ids);
  /**
   * The local actor takes on a cooldown another router started (when it ends later than its own): its
   * end then makes the deployment half-open here as there, with the same base for a failed probe's
   * doubling (DESIGN §12). Sent to the mirror directly, so it is never published back.
   */
  const adoptCooldown = (id: string, until: number | undefined, reason: string | undefined, cooldownMs: number | undefined): void => {
    const now = scheduler.now();
    if (!known.has(id) || until === undefined || until <= now) return;
    local.send(id, { type: 'fleetCooldown', until, cooldownMs: cooldownMs ?? until - now, reason: reason ?? 'error' });
  };
  const ownMessages = fleetMessagePrefix(instance);
  const link = connectRedis(settings, keys, {
    message: (text) => {
      // Every instance hears its own messages back: skipped before parsing them.
      if (closed || text.startsWith(ownMessages)) return;
      const message = decodeFleetMessage(text);
      if (message === undefined || message.instance === instance) return;
      const now = scheduler.now();
      announce(fleet.apply(message, now));
      for (const [id, remainingMs, reason, cooldownMs] of message.cooldowns) adoptCooldown(id, now + remainingMs, reason, cooldownMs);
      for (const id of message.recovered) if (known.has(id)) local.send(id, { type: 'fleetRecovered' });
    },
    connected: reread,
  });
  const outbox = new FleetOutbox(link.client, keys, instance, settings.leaseTtlMs);

  // Keeps this instance's leases alive, and lets the dead instances' leases go, every third of a TTL.
  const heartbeat = scheduler.schedule(function (this: SchedulerAction<unknown>) {
    outbox.heartbeat();
    announce(fleet.sweep(scheduler.now()));
    this.schedule(undefined, settings.leaseTtlMs / 3);
  }, settings.leaseTtlMs / 3);

  const send = (id: string, message: DeploymentMessage): void => {
    const previous = local.get(id);
    local.send(id, message);
    if (closed) return;
    const next = local.get(id);
    if (next === previous) return;
    switch (message.type) {
      case 'attemptStarted':
        outbox.started(id);
        break;
      case 'attemptSucceeded':
        outbox.recorded(id, undefined, message.tokens);
        break;
      case 'attemptFailed':
        if (!clientFault.has(message.error.kind)) outbox.recorded(id, message.error.kind, 0);
        break;
      default:
        break;
    }
    if (next.inFlight !== previous.inFlight) outbox.lease(id, next.inFlight);
    if (message.type === 'attemptSucceeded' && previous.halfOpen !== undefined && next.halfOpen === undefined) outbox.recovered(id);
    if (next.cooldownUntil !== undefined && next.cooldownUntil !== previous.cooldownUntil) {
      const at = scheduler.now();
      outbox.cooled(id, next.cooldownUntil, next.cooldownReason ?? 'error', next.cooldownMs ?? next.cooldownUntil - at);
      // A cooldown is rare and urgent (every other instance keeps sending calls to the deployment
      // until it hears of it): it goes out now, with whatever else is pending.
      flushing?.unsubscribe();
      flushing = undefined;
      outbox.flush(scheduler.now());
    } else if (outbox.dirty) scheduleFlush();
  };

  const changesOf$ = (id: string): Observable<unknown> => merge(local.state$(id), remoteChanges.pipe(filter((changed) => changed === id)));

  return {
    get,
    send,
    state$: (id) => changesOf$(id).pipe(map(() => get(id))),
    all$: defer(() =>
      merge(local.transitions$, remoteChanges).pipe(
        startWith(undefined),
        map(() => new Map(ids.map((id) => [id, get(id)] as const))),
      ),
    ),
    transitions$: local.transitions$,
    close: async () => {
      if (closed) return;
      closed = true;
      local.close();
      heartbeat.unsubscribe();
      flushing?.unsubscribe();
      for (const expiry of remoteExpiry.values()) expiry.timer.unsubscribe();
      await outbox.release();
      link.close();
      remoteChanges.complete();
    },
  };
}

/**
 * `RouterOptions.store` for a fleet sharing deployment state through Redis.
 *
 * @example
 * const router = new Router(config, { store: redisDeploymentStore({ url: 'redis://127.0.0.1:6379' }) });
 */
export function redisDeploymentStore(options: RedisStoreOptions): DeploymentStoreFactory {
  resolveRedisStoreOptions(options);
  return (specs, scheduler) => createRedisDeploymentStore(specs, scheduler, options);
}
