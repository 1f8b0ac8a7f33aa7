import type { EventSourceMessage } from 'eventsource-parser';
import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChunkSink } from '../chunk-stream-reader.js';
import { type SseDecoder, sinkSseDecoder } from '../sse-decoder.js';
import type { StreamBodyReader } from '../wire-format.js';
import { geminiError, geminiErrorFields } from './gemini-error.js';
import type { GeminiStreamState } from './gemini-stream-state.js';
import type { GeminiResponse } from './gemini-types.js';

/**
 * Reads a `streamGenerateContent?alt=sse` body as it arrives: each SSE event's JSON goes through the
 * stream's state machine (`GeminiStreamState`) and out to `sink` as OpenAI chunks. An error event is
 * its typed error; data that is not JSON an `APIConnectionError`. The body's end completes the sink
 * only when every candidate had finished; otherwise the stream was cut short, an `APIConnectionError`.
 */
export class GeminiStreamReader implements StreamBodyReader {
  private readonly decoder: SseDecoder;

  constructor(
    private readonly sink: ChunkSink,
    private readonly state: GeminiStreamState,
    private readonly apiKey: string | undefined,
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
    if (!this.state.whole) {
      sink.error(new APIConnectionError('stream ended before completion: the upstream closed it before a finishReason'));
      return;
    }
    const usage = this.state.usageChunk();
    if (usage !== undefined) sink.next(usage);
    if (!sink.closed) sink.complete();
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
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      sink.error(new APIConnectionError('malformed event in the upstream stream: not a GenerateContentResponse'));
      return;
    }
    if (geminiErrorFields(event) !== undefined) {
      sink.error(geminiError(event, { fallbackMessage: 'the upstream stream reported an error', apiKey: this.apiKey }));
      return;
    }
    const step = this.state.next(event as GeminiResponse);
    if (step.kind === 'chunk') sink.next(step.chunk);
    else if (step.kind === 'error') sink.error(step.error);
  }
}
