import type { EventSourceMessage } from 'eventsource-parser';
import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { readStreamEvent } from './read-stream-event.js';
import { type SseDecoder, sinkSseDecoder } from './sse-decoder.js';

/** Where a chunk stream is delivered; once `closed`, nothing more is delivered. */
export interface ChunkSink {
  readonly closed: boolean;
  next(chunk: ChatCompletionChunk): void;
  /** The stream is whole (`[DONE]`, or the body ended after a `finish_reason`). */
  complete(): void;
  /** Called with typed errors only, at most once (the sink closes). */
  error(error: RxllmError): void;
}

function hasFinishReason(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some((choice) => choice?.finish_reason != null);
}

/**
 * Delivers an SSE chat-completions body to `sink` as chunks, fed as it arrives: `[DONE]` completes,
 * an error event errors with its typed error, unreadable data errors with `APIConnectionError`. A
 * body that ends without `[DONE]` completes only if a `finish_reason` was seen; otherwise it is an
 * `APIConnectionError` ("stream ended before completion"), never a silent truncation.
 *
 * A class rather than closures: every open stream keeps one (bench/stream-memory.mjs).
 *
 * @example
 * const reader = new ChunkStreamReader(sink, apiKey);
 * body.on('data', (bytes) => reader.push(bytes)).on('end', () => reader.end());
 */
export class ChunkStreamReader {
  private sawFinish = false;
  private readonly decoder: SseDecoder;

  constructor(
    private readonly sink: ChunkSink,
    private readonly apiKey?: string,
  ) {
    this.decoder = sinkSseDecoder(sink, (message) => this.deliver(message));
  }

  /** The next bytes of the body, cut wherever the network cut them. */
  push(bytes: Buffer): void {
    if (!this.sink.closed) this.decoder.push(bytes);
  }

  /** The body ended. */
  end(): void {
    const { sink } = this;
    if (sink.closed) return;
    this.decoder.end();
    if (sink.closed) return;
    if (this.sawFinish) sink.complete();
    else sink.error(new APIConnectionError('stream ended before completion: the upstream closed it without [DONE] or a finish_reason'));
  }

  private deliver(message: EventSourceMessage): void {
    const { sink } = this;
    if (sink.closed) return;
    const event = readStreamEvent(message, this.apiKey);
    switch (event.kind) {
      case 'chunk':
        if (hasFinishReason(event.chunk)) this.sawFinish = true;
        sink.next(event.chunk);
        return;
      case 'done':
        sink.complete();
        return;
      case 'error':
        sink.error(event.error);
        return;
      case 'ignore':
        return;
    }
  }
}
