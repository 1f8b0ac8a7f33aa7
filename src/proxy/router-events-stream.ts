import {
  connect,
  filter,
  interval,
  map,
  merge,
  type Observable,
  scan,
  type SchedulerLike,
  skip,
  take,
  throttleTime,
} from 'rxjs';
import type { Deployment } from '../config/router-settings.js';
import type { DeploymentState } from '../deployments/deployment-state.js';
import { fleetSnapshot } from './fleet-snapshot.js';

/** What the stream reads from a Router (a Router is one). */
export interface FleetSource {
  readonly settings: { readonly deployments: readonly Deployment[] };
  readonly deployments$: Observable<ReadonlyMap<string, DeploymentState>>;
  /** Router events; any `{ type }` object, so event types added later pass through unchanged. */
  readonly events$: Observable<{ readonly type: string }>;
}

/**
 * One SSE frame, written as is. `kind` tells a congested writer what it may coalesce: a snapshot is
 * replaced by the next one, an event can only be dropped (and counted), a comment is worthless late.
 */
export interface SseFrame {
  readonly kind: 'snapshot' | 'event' | 'comment';
  readonly text: string;
}

export interface RouterEventsStreamOptions {
  /** The router's scheduler: snapshots read `now` from it, throttles and heartbeats run on it. */
  readonly scheduler: SchedulerLike;
  /** At most one `deployments` snapshot per this many ms (the last change in a window is never lost). Default 500. */
  readonly throttleMs?: number;
  /**
   * A snapshot at least this often even when nothing changed, so that "the last minute" slides and a
   * cooldown's time left stays exact on the page. Default 5 000.
   */
  readonly refreshMs?: number;
  /** A `: ping` comment this often, so proxies and load balancers keep the idle connection open. Default 15 000. */
  readonly heartbeatMs?: number;
}

export const defaultThrottleMs = 500;
export const defaultRefreshMs = 5_000;
export const defaultHeartbeatMs = 15_000;

/** `event: <name>` + one `data:` line. JSON.stringify escapes newlines, so one line always holds it. */
function eventFrame(kind: SseFrame['kind'], name: string, data: unknown): SseFrame {
  // A name with a line break would end the field early and forge another; event types are identifiers.
  const safe = name.replace(/[^\w.-]/g, '_');
  return { kind, text: `event: ${safe}\ndata: ${JSON.stringify(data)}\n\n` };
}

/**
 * `GET /v1/router/events` as an Observable of SSE frames: first one `snapshot` event (every
 * deployment's state, `FleetSnapshot`), then every router event as an SSE event named by its
 * `type`, a fresh `deployments` snapshot at most every `throttleMs` after changes (and every
 * `refreshMs` regardless), and a `: ping` comment every `heartbeatMs`. Cold: each subscriber gets
 * its own snapshot; unsubscribing lets go of `events$` and `deployments$`.
 *
 * @example
 * routerEventsStream(router, { scheduler: asyncScheduler }).subscribe((frame) => res.write(frame.text));
 */
export function routerEventsStream(source: FleetSource, options: RouterEventsStreamOptions): Observable<SseFrame> {
  const { scheduler } = options;
  const throttleMs = options.throttleMs ?? defaultThrottleMs;
  const refreshMs = options.refreshMs ?? defaultRefreshMs;
  const heartbeatMs = options.heartbeatMs ?? defaultHeartbeatMs;
  const snapshot = (states: ReadonlyMap<string, DeploymentState>) => fleetSnapshot(source.settings.deployments, states, scheduler.now());
  // The latest states, again on every refresh tick (a snapshot of unchanged states still moves `now`).
  const states$ = merge(source.deployments$, interval(refreshMs, scheduler).pipe(map(() => undefined))).pipe(
    scan<ReadonlyMap<string, DeploymentState> | undefined, ReadonlyMap<string, DeploymentState> | undefined>(
      (latest, next) => next ?? latest,
      undefined,
    ),
    filter((states): states is ReadonlyMap<string, DeploymentState> => states !== undefined),
  );
  return states$.pipe(
    // One subscription to the states serves the first snapshot and the throttled ones; `connect`
    // subscribes the branches before the source, so the snapshot is the stream's first frame.
    connect((shared$) =>
      merge(
        shared$.pipe(
          take(1),
          map((states) => eventFrame('snapshot', 'snapshot', snapshot(states))),
        ),
        source.events$.pipe(map((event) => eventFrame('event', event.type, event))),
        shared$.pipe(
          skip(1),
          throttleTime(throttleMs, scheduler, { leading: true, trailing: true }),
          map((states) => eventFrame('snapshot', 'deployments', snapshot(states))),
        ),
        interval(heartbeatMs, scheduler).pipe(map((): SseFrame => ({ kind: 'comment', text: ': ping\n\n' }))),
      ),
    ),
  );
}
