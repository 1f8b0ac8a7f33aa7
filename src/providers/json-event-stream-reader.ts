import type { EventSourceMessage } from 'eventsource-parser';
import { APIConnectionError } from '../errors/error-classes.js';
import type { ChunkSink } from './chunk-stream-reader.js';
import { type SseDecoder, sinkSseDecoder } from './sse-decoder.js';
import type { StreamBodyReader } from './wire-format.js';

/**
 * What the SSE readers of translating providers share (Gemini, Anthropic): bytes in as they arrive,
 * each event's JSON handed to `event` (empty `data:` keep-alives skipped, data that is not JSON an
 * `APIConnectionError`), nothing once the sink closed, and `bodyEnded` told when the body ended with
 * the sink still open — where a provider decides whether its stream was whole.
 */
export abstract class JsonEventStreamReader implements StreamBodyReader {
  private readonly decoder: SseDecoder;

  constructor(protected readonly sink: ChunkSink) {
    this.decoder = sinkSseDecoder(sink, (message) => this.deliver(message));
  }

  push(bytes: Buffer): void {
    if (!this.sink.closed) this.decoder.push(bytes);
  }

  end(): void {
    if (this.sink.closed) return;
    this.decoder.end();
    if (!this.sink.closed) this.bodyEnded();
  }

  /** One event's parsed JSON (the sink is open). */
  protected abstract event(value: unknown, message: EventSourceMessage): void;

  /** The body ended and the sink is still open: complete it if the stream was whole, else error it. */
  protected abstract bodyEnded(): void;

  private deliver(message: EventSourceMessage): void {
    if (this.sink.closed) return;
    const data = message.data.trim();
    if (data === '') return;
    let value: unknown;
    try {
      value = JSON.parse(data) as unknown;
    } catch (cause) {
      this.sink.error(new APIConnectionError('malformed event in the upstream stream: data is not JSON', { cause }));
      return;
    }
    this.event(value, message);
  }
}
