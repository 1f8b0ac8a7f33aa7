import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChunkSink } from '../chunk-stream-reader.js';
import { JsonEventStreamReader } from '../json-event-stream-reader.js';
import { geminiError, geminiErrorFields } from './gemini-error.js';
import type { GeminiStreamState } from './gemini-stream-state.js';
import type { GeminiResponse } from './gemini-types.js';

/**
 * Reads a `streamGenerateContent?alt=sse` body as it arrives: each SSE event's JSON goes through the
 * stream's state machine (`GeminiStreamState`) and out to `sink` as OpenAI chunks. An error event is
 * its typed error; data that is not JSON an `APIConnectionError`. The body's end completes the sink
 * only when every candidate had finished; otherwise the stream was cut short, an `APIConnectionError`.
 */
export class GeminiStreamReader extends JsonEventStreamReader {
  constructor(
    sink: ChunkSink,
    private readonly state: GeminiStreamState,
    private readonly apiKey: string | undefined,
  ) {
    super(sink);
  }

  protected bodyEnded(): void {
    const { sink } = this;
    if (!this.state.whole) {
      sink.error(new APIConnectionError('stream ended before completion: the upstream closed it before a finishReason'));
      return;
    }
    const usage = this.state.usageChunk();
    if (usage !== undefined) sink.next(usage);
    if (!sink.closed) sink.complete();
  }

  protected event(value: unknown): void {
    const { sink } = this;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      sink.error(new APIConnectionError('malformed event in the upstream stream: not a GenerateContentResponse'));
      return;
    }
    if (geminiErrorFields(value) !== undefined) {
      sink.error(geminiError(value, { fallbackMessage: 'the upstream stream reported an error', apiKey: this.apiKey }));
      return;
    }
    const step = this.state.next(value as GeminiResponse);
    if (step.kind === 'chunk') sink.next(step.chunk);
    else if (step.kind === 'error') sink.error(step.error);
  }
}
