import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { RequestTimeoutError } from '../errors/error-classes.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { isContentChunk } from '../protocol/is-content-chunk.js';
import { formatSeconds } from './format-seconds.js';

// Module-level actions with the clocks as their state: an open stream's timer holds no closure.
function firstChunkTimedOut(this: SchedulerAction<StreamClocks<unknown>>, clocks?: StreamClocks<unknown>): void {
  clocks?.timeOut(`no first chunk within ${formatSeconds(clocks.first as number)} s`, 'first_chunk_timeout');
}

// The idle clock: one action for a whole quiet period; a chunk only records the time, and an action
// that fires early relative to the last chunk re-arms itself for the remainder.
function checkIdle(this: SchedulerAction<StreamClocks<unknown>>, clocks?: StreamClocks<unknown>): void {
  if (clocks === undefined) return;
  const idle = clocks.idle as number;
  const quietFor = clocks.scheduler.now() - clocks.lastChunkAt;
  if (quietFor >= idle) clocks.timeOut(`no chunk for ${formatSeconds(idle)} s`, 'idle_timeout');
  else this.schedule(clocks, idle - quietFor);
}

/**
 * The clocks of one streamed attempt (DESIGN §3), for whoever holds the stream's subscriber:
 * content-free chunks are held until the first chunk with content, which must come within `first`
 * ms (`first_chunk_timeout`); after it, no gap may exceed `idle` ms (`idle_timeout`). One clock runs
 * at a time. `streamTimeouts` is this as an operator; the Router's attempt uses it inline, so that an
 * open stream keeps one subscriber fewer.
 */
export class StreamClocks<T = ChatCompletionChunk> {
  /** Content-free chunks waiting for the first chunk with content; undefined once it came. */
  private held: T[] | undefined = [];
  /** @internal read by the idle action */
  lastChunkAt = 0;
  private timer: Subscription | undefined;

  /**
   * @param onTimeout told once when a clock runs out, with its `RequestTimeoutError`: it must
   * unsubscribe the source (aborting the request) before the error goes out.
   */
  constructor(
    readonly first: number | undefined,
    readonly idle: number | undefined,
    readonly scheduler: SchedulerLike,
    private readonly onTimeout: (error: RequestTimeoutError) => void,
    /** What counts as content (DESIGN §3); a text-completion stream has its own test (§9). */
    private readonly isContent: (chunk: T) => boolean = isContentChunk as unknown as (chunk: T) => boolean,
  ) {}

  /** The source is subscribed: the first-chunk clock starts, unless content already came (as `timeout` does). */
  start(): void {
    if (this.first !== undefined && this.held !== undefined) this.timer = this.scheduler.schedule(firstChunkTimedOut, this.first, this as StreamClocks<unknown>);
  }

  /** A chunk from the source; `emit` gets the chunks to pass on now, in order (none while they are held). */
  chunk(chunk: T, emit: (chunk: T) => void): void {
    const held = this.held;
    if (held === undefined) {
      if (this.idle !== undefined) this.lastChunkAt = this.scheduler.now();
      emit(chunk);
      return;
    }
    if (!this.isContent(chunk)) {
      held.push(chunk);
      return;
    }
    this.held = undefined;
    this.timer?.unsubscribe();
    this.timer = undefined;
    if (this.idle !== undefined) {
      this.lastChunkAt = this.scheduler.now();
      this.timer = this.scheduler.schedule(checkIdle, this.idle, this as StreamClocks<unknown>);
    }
    for (const earlier of held) emit(earlier);
    emit(chunk);
  }

  /** The source completed: chunks still held go out (a stream with no content at all is whole too). */
  complete(emit: (chunk: T) => void): void {
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) for (const chunk of held) emit(chunk);
  }

  /** Stops the running clock (the attempt ended or was unsubscribed). */
  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  /** @internal called by the clock actions */
  timeOut(message: string, code: string): void {
    this.timer = undefined;
    this.onTimeout(new RequestTimeoutError(message, { code }));
  }
}
