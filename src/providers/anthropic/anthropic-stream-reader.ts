import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChunkSink } from '../chunk-stream-reader.js';
import { JsonEventStreamReader } from '../json-event-stream-reader.js';
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
export class AnthropicStreamReader extends JsonEventStreamReader {
  constructor(
    sink: ChunkSink,
    private readonly state: AnthropicStreamState,
  ) {
    super(sink);
  }

  protected bodyEnded(): void {
    this.sink.error(new APIConnectionError('stream ended before completion: the upstream closed it before message_stop'));
  }

  protected event(value: unknown): void {
    const { sink } = this;
    const step = this.state.next(value);
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
