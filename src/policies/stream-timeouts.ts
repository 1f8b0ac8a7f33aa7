import { asyncScheduler, type MonoTypeOperatorFunction, pipe, type SchedulerLike } from 'rxjs';
import { isContentChunk } from '../protocol/is-content-chunk.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { firstChunkTimeout } from './first-chunk-timeout.js';
import { holdUntilContent } from './hold-until-content.js';
import { idleTimeout } from './idle-timeout.js';

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
 * @example
 * provider.stream(request).pipe(streamTimeouts({ first: 5_000, idle: 10_000 }))
 */
export function streamTimeouts(options: StreamTimeoutsOptions): MonoTypeOperatorFunction<ChatCompletionChunk> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const hold = holdUntilContent(isContentChunk);
  const first = options.first === undefined ? undefined : firstChunkTimeout<ChatCompletionChunk>(options.first, { scheduler });
  const idle = options.idle === undefined ? undefined : idleTimeout<ChatCompletionChunk>(options.idle, { scheduler });
  if (first && idle) return pipe(hold, first, idle);
  if (first) return pipe(hold, first);
  if (idle) return pipe(hold, idle);
  return hold;
}
