import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { readStreamEvent } from './read-stream-event.js';
import { createSseDecoder } from './sse-decoder.js';

/** Where a chunk stream is delivered; once `closed`, nothing more is delivered. */
export interface ChunkSink {
  readonly closed: boolean;
  next(chunk: ChatCompletionChunk): void;
  /** The stream is whole (`[DONE]`, or the body ended after a `finish_reason`). */
  complete(): void;
  /** Called with typed errors only, at most once (the sink closes). */
  error(error: RxllmError): void;
}

/** An SSE chat-completions body, fed as it arrives. */
export interface ChunkStreamReader {
  /** The next bytes of the body, cut wherever the network cut them. */
  push(bytes: Buffer): void;
  /** The body ended. */
  end(): void;
}

function hasFinishReason(chunk: ChatCompletionChunk): boolean {
  return chunk.choices.some((choice) => choice?.finish_reason != null);
}

/**
 * Delivers an SSE chat-completions body to `sink` as chunks: `[DONE]` completes, an error event
 * errors with its typed error, unreadable data errors with `APIConnectionError`. A body that ends
 * without `[DONE]` completes only if a `finish_reason` was seen; otherwise it is an
 * `APIConnectionError` ("stream ended before completion"), never a silent truncation.
 *
 * @example
 * const reader = createChunkStreamReader(sink, apiKey);
 * body.on('data', (bytes) => reader.push(bytes)).on('end', () => reader.end());
 */
export function createChunkStreamReader(sink: ChunkSink, apiKey?: string): ChunkStreamReader {
  let sawFinish = false;
  const decoder = createSseDecoder({
    onEvent(message) {
      if (sink.closed) return;
      const event = readStreamEvent(message, apiKey);
      switch (event.kind) {
        case 'chunk':
          if (hasFinishReason(event.chunk)) sawFinish = true;
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
    },
    onError(error) {
      if (!sink.closed) sink.error(new APIConnectionError(`unreadable upstream stream: ${error.message}`, { cause: error }));
    },
  });
  return {
    push(bytes) {
      if (!sink.closed) decoder.push(bytes);
    },
    end() {
      if (sink.closed) return;
      decoder.end();
      if (sink.closed) return;
      if (sawFinish) sink.complete();
      else sink.error(new APIConnectionError('stream ended before completion: the upstream closed it without [DONE] or a finish_reason'));
    },
  };
}
