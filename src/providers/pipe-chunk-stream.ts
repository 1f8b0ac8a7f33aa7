import type { Readable } from 'node:stream';
import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { createSseDecoder } from './sse-decoder.js';
import { readStreamEvent } from './read-stream-event.js';

/** Where `pipeChunkStream` delivers; once `closed`, nothing more is delivered. */
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
 * Delivers an SSE chat-completions body to `sink` as chunks: `[DONE]` completes, an error event
 * errors with its typed error, unreadable data errors with `APIConnectionError`. A body that ends
 * without `[DONE]` completes only if a `finish_reason` was seen; otherwise it is an
 * `APIConnectionError` ("stream ended before completion"), never a silent truncation. Transport
 * errors go to `onTransportError` (the caller names the upstream in them).
 *
 * @example
 * pipeChunkStream(response.body, subscriber, (e) => subscriber.error(connectionError(e, origin)), apiKey);
 */
export function pipeChunkStream(
  body: Readable,
  sink: ChunkSink,
  onTransportError: (error: unknown) => void,
  apiKey?: string,
): void {
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
  body.on('data', (bytes: Buffer) => {
    if (!sink.closed) decoder.push(bytes);
  });
  body.on('end', () => {
    if (sink.closed) return;
    decoder.end();
    if (sink.closed) return;
    if (sawFinish) sink.complete();
    else sink.error(new APIConnectionError('stream ended before completion: the upstream closed it without [DONE] or a finish_reason'));
  });
  body.on('error', (error) => {
    if (!sink.closed) onTransportError(error);
  });
}
