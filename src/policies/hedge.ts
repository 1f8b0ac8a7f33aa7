import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { assertCount, assertPositiveMs } from './validate.js';

export interface HedgeOptions<T> {
  /** Milliseconds without content after which the next source starts (each `after` ms, until one delivers). */
  after: number;
  /** Extra sources at most, besides the first. Default 1; 0 makes `hedge` the first source alone. */
  maxHedges?: number;
  scheduler?: SchedulerLike;
  /**
   * Whether a value is content, the moment a source wins (default: every value). Values before it are
   * held per source and released with it, so a role-only chunk neither wins the race nor leaks from
   * a source that then loses.
   */
  isContent?: (value: T) => boolean;
  /**
   * Told once, when a source wins and more than one was started: its index and the indexes of the
   * sources still running, which are unsubscribed right after (before the winning value goes out).
   */
  onWin?: (winner: number, losers: readonly number[]) => void;
}

/**
 * A race with delayed starts: subscribes to `source(0)`; each `after` ms in which no source has
 * delivered content, subscribes to the next one (`source(1)`, ... up to `maxHedges`; a factory that
 * returns `undefined` declines that hedge). The first source to deliver content (or to complete)
 * wins: every other is unsubscribed in that tick, aborting its work, and only the winner's values go
 * out. A source that fails before content is dropped while others run on; the result fails only
 * once no started source is left running, with the last error, at once (a hedge not yet due is not
 * waited for). After the win, the winner's errors go through: nothing is re-run after content.
 *
 * For a slow first token, the usual fix (wait for a timeout, then retry) pays the whole timeout;
 * a hedge pays `after`, at the price of an extra request on the slow cases only.
 *
 * @example
 * // a second request to another endpoint when the first has no token after 300 ms
 * hedge({ after: 300, isContent: (chunk) => chunk.choices[0]?.delta.content != null }, (index) =>
 *   index === 0 ? ask(primary) : ask(secondary),
 * )
 */
export function hedge<T>(options: HedgeOptions<T>, source: (index: number) => Observable<T> | undefined): Observable<T> {
  assertPositiveMs('hedge', 'after', options.after);
  const maxHedges = options.maxHedges ?? 1;
  assertCount('hedge', 'maxHedges', maxHedges);
  const { after, onWin } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const isContent = options.isContent;

  return new Observable<T>((subscriber) => {
    // One slot per started source; a slot is cleared when its source ends or loses.
    const running: (Subscription | undefined)[] = [];
    const held: (T[] | undefined)[] = [];
    let live = 0;
    let winner = -1;
    let timer: Subscription | undefined;
    let started = 0;
    // Sources subscribed (a declined hedge is started but never launched): a race needs two.
    let launched = 0;

    const win = (index: number): void => {
      winner = index;
      timer?.unsubscribe();
      timer = undefined;
      const losers: number[] = [];
      for (let other = 0; other < running.length; other += 1) if (other !== index && running[other] !== undefined) losers.push(other);
      if (launched > 1) onWin?.(index, losers);
      // Unsubscribed before the winning value goes out: whatever reacts to it never overlaps them.
      for (const other of losers) {
        const subscription = running[other];
        running[other] = undefined;
        held[other] = undefined;
        subscription?.unsubscribe();
      }
      live = 1;
      const earlier = held[index];
      held[index] = undefined;
      if (earlier !== undefined) for (const value of earlier) subscriber.next(value);
    };

    const start = (index: number, made: Observable<T>): void => {
      live += 1;
      launched += 1;
      let ended = false;
      const subscription = made.subscribe({
        next: (value) => {
          if (winner === index) {
            subscriber.next(value);
            return;
          }
          if (winner !== -1) return;
          if (isContent !== undefined && !isContent(value)) {
            (held[index] ??= []).push(value);
            return;
          }
          win(index);
          subscriber.next(value);
        },
        error: (error: unknown) => {
          ended = true;
          running[index] = undefined;
          held[index] = undefined;
          live -= 1;
          if (winner === index || live === 0) {
            timer?.unsubscribe();
            subscriber.error(error);
          }
        },
        complete: () => {
          ended = true;
          running[index] = undefined;
          // A source that ends without content is a whole answer too (an empty stream): it wins.
          if (winner === -1) win(index);
          subscriber.complete();
        },
      });
      // A source that ended, or lost, while it was being subscribed is over already.
      if (!ended && winner !== -1 && winner !== index) subscription.unsubscribe();
      else if (!ended) running[index] = subscription;
    };

    // Starts the next source, then waits `after` ms for the one after it. A hedge the factory declines
    // still takes its turn: the next one is due `after` ms later, as if it had started.
    const next = (): void => {
      timer = undefined;
      const index = started;
      started += 1;
      let made: Observable<T> | undefined;
      try {
        made = source(index);
      } catch (error) {
        // A hedge's factory runs on a timer: what it throws must reach the subscriber, not the scheduler.
        for (const subscription of running) subscription?.unsubscribe();
        subscriber.error(error);
        return;
      }
      if (made !== undefined) start(index, made);
      else if (index === 0) {
        subscriber.complete();
        return;
      }
      if (winner === -1 && !subscriber.closed && live > 0 && started <= maxHedges) timer = scheduler.schedule(next, after);
    };

    next();
    return () => {
      timer?.unsubscribe();
      for (const subscription of running) subscription?.unsubscribe();
      running.length = 0;
      held.length = 0;
    };
  });
}
