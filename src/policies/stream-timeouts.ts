import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerLike, Subscription } from 'rxjs';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { StreamClocks } from './stream-clocks.js';
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
      const upstream = new Subscription();
      const clocks = new StreamClocks(first, idle, scheduler, (error) => {
        // The source is aborted before the error goes out, so nothing reacting to it overlaps this attempt.
        upstream.unsubscribe();
        subscriber.error(error);
      });
      const emit = (chunk: ChatCompletionChunk): void => subscriber.next(chunk);
      upstream.add(
        source.subscribe({
          next: (chunk) => clocks.chunk(chunk, emit),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            clocks.complete(emit);
            subscriber.complete();
          },
        }),
      );
      if (!subscriber.closed) clocks.start();
      return () => {
        clocks.stop();
        upstream.unsubscribe();
      };
    });
}
