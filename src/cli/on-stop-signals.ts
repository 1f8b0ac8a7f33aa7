import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** Where SIGTERM and SIGINT come from: the process, a worker's relay of its primary, or a spec's emitter. */
export type StopSignalSource = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/** A repeat of the first signal within this long is the same stop request, delivered twice. */
export const duplicateSignalMs = 500;

export interface StopSignalHandlers {
  /** The first SIGTERM or SIGINT: stop gracefully. */
  readonly first: (signal: NodeJS.Signals) => void;
  /** A later one that is a second request to stop: stop now. */
  readonly again: (signal: NodeJS.Signals) => void;
}

/**
 * Calls `first` on the first SIGTERM or SIGINT and `again` on each later one, except the first
 * signal repeated within `duplicateSignalMs`: a terminal's Ctrl-C reaches every process of the
 * group (npm and node; the primary and its workers), and a copy can be passed on, so one key press
 * can arrive twice. Returns the function that stops listening.
 *
 * @example
 * const stop = onStopSignals(process, { first: () => void proxy.close(), again: () => proxy.server.abortInFlight() });
 */
export function onStopSignals(source: StopSignalSource, handlers: StopSignalHandlers, scheduler: SchedulerLike = asyncScheduler): () => void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = { signal, at: scheduler.now() };
      handlers.first(signal);
      return;
    }
    if (signal === first.signal && scheduler.now() - first.at < duplicateSignalMs) return;
    handlers.again(signal);
  };
  source.on('SIGTERM', onSignal);
  source.on('SIGINT', onSignal);
  return () => {
    source.off('SIGTERM', onSignal);
    source.off('SIGINT', onSignal);
  };
}
