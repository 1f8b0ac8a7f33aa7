import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import { isContentChunk } from '../protocol/is-content-chunk.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { assertPositiveMs } from './validate.js';

export interface StreamTimeoutsOptions {
  /** Longest wait from subscription to the first chunk with content (ms); none when undefined. */
  first?: number | undefined;
  /** Longest gap between chunks after the first (ms); none when undefined. */
  idle?: number | undefined;
  scheduler?: SchedulerLike;
}

/**
 * The clocks of one streamed attempt (DESIGN §3): content-free chunks are held until the first chunk
 * with content, which must come within `first` ms (`first_chunk_timeout`); after it, no gap may
 * exceed `idle` ms (`idle_timeout`). Either error unsubscribes the source, aborting the request.
 *
 * It does what `pipe(holdUntilContent(isContentChunk), firstChunkTimeout(first), idleTimeout(idle))`
 * does, in one operator with one clock at a time: every open stream holds one subscriber and one
 * scheduled action here instead of three and two.
 *
 * @example
 * provider.stream(request).pipe(streamTimeouts({ first: 5_000, idle: 10_000 }))
 */
export function streamTimeouts(options: StreamTimeoutsOptions): MonoTypeOperatorFunction<ChatCompletionChunk> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { first, idle } = options;
  if (first !== undefined) assertPositiveMs('firstChunkTimeout', 'ms', first);
  if (idle !== undefined) assertPositiveMs('idleTimeout', 'ms', idle);
  return (source) =>
    new Observable<ChatCompletionChunk>((subscriber) => {
      // Content-free chunks waiting for the first chunk with content; undefined once it came.
      let held: ChatCompletionChunk[] | undefined = [];
      let lastChunkAt = 0;
      let timer: Subscription | undefined;
      const upstream = new Subscription();

      const fail = (message: string, code: string): void => {
        // The source is aborted before the error goes out, so nothing reacting to it overlaps this attempt.
        upstream.unsubscribe();
        subscriber.error(new RequestTimeoutError(message, { code }));
      };
      // The idle clock: one action for a whole quiet period; a chunk only records the time, and an
      // action that fires early relative to the last chunk re-arms itself for the remainder.
      const checkIdle = function (this: SchedulerAction<unknown>): void {
        const quietFor = scheduler.now() - lastChunkAt;
        if (quietFor >= (idle as number)) fail(`no chunk for ${idle} ms`, 'idle_timeout');
        else this.schedule(undefined, (idle as number) - quietFor);
      };

      upstream.add(
        source.subscribe({
          next: (chunk) => {
            if (held === undefined) {
              if (idle !== undefined) lastChunkAt = scheduler.now();
              subscriber.next(chunk);
              return;
            }
            if (!isContentChunk(chunk)) {
              held.push(chunk);
              return;
            }
            const release = held;
            held = undefined;
            timer?.unsubscribe();
            timer = undefined;
            if (idle !== undefined) {
              lastChunkAt = scheduler.now();
              timer = scheduler.schedule(checkIdle, idle);
            }
            for (const earlier of release) subscriber.next(earlier);
            subscriber.next(chunk);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            if (held !== undefined) for (const chunk of held) subscriber.next(chunk);
            subscriber.complete();
          },
        }),
      );
      // As `timeout` does: the first-chunk clock starts once the source is subscribed, unless it already came.
      if (first !== undefined && held !== undefined && !subscriber.closed) {
        timer = scheduler.schedule(() => fail(`no first chunk within ${first} ms`, 'first_chunk_timeout'), first);
      }
      return () => {
        timer?.unsubscribe();
        upstream.unsubscribe();
      };
    });
}
