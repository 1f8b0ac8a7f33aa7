import type { EventSourceMessage } from 'eventsource-parser';
import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChunkSink } from '../chunk-stream-reader.js';
import { type SseDecoder, sinkSseDecoder } from '../sse-decoder.js';
import type { StreamBodyReader } from '../wire-format.js';
import type { AnthropicStreamState } from './anthropic-stream-state.js';

/**
 * Reads a Messages event stream as it arrives: each SSE event's JSON goes through the stream's state
 * machine (`AnthropicStreamState`) and out to `sink` as OpenAI chunks; `message_stop` completes the
 * sink. A body that ends before `message_stop` was cut short: an `APIConnectionError`, never a
 * silent truncation. Data that is not JSON is an `APIConnectionError` too.
 *
 * @example
 * const reader = new AnthropicStreamReader(sink, new AnthropicStreamState(model, created, false, apiKey));
 * body.on('data', (bytes) => reader.push(bytes)).on('end', () => reader.end());
 */
export class AnthropicStreamReader implements StreamBodyReader {
  private readonly decoder: SseDecoder;

  constructor(
    private readonly sink: ChunkSink,
    private readonly state: AnthropicStreamState,
  ) {
    this.decoder = sinkSseDecoder(sink, (message) => this.deliver(message));
  }

  push(bytes: Buffer): void {
    if (!this.sink.closed) this.decoder.push(bytes);
  }

  end(): void {
    const { sink } = this;
    if (sink.closed) return;
    this.decoder.end();
    if (sink.closed) return;
    sink.error(new APIConnectionError('stream ended before completion: the upstream closed it before message_stop'));
  }

  private deliver(message: EventSourceMessage): void {
    const { sink } = this;
    if (sink.closed) return;
    const data = message.data.trim();
    if (data === '') return;
    let event: unknown;
    try {
      event = JSON.parse(data) as unknown;
    } catch (cause) {
      sink.error(new APIConnectionError('malformed event in the upstream stream: data is not JSON', { cause }));
      return;
    }
    const step = this.state.next(event);
    switch (step.kind) {
      case 'chunk':
        sink.next(step.chunk);
        return;
      case 'done':
        if (step.usage !== undefined) sink.next(step.usage);
        if (!sink.closed) sink.complete();
        return;
      case 'error':
        sink.error(step.error);
        return;
      case 'none':
        return;
    }
  }
}
