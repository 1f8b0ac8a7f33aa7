import { randomUUID } from 'node:crypto';
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChatCompletionChunk, ChatCompletionDelta, Usage } from '../../protocol/chat.js';
import type { ChunkSink } from '../chunk-stream-reader.js';
import { decodeUtf8 } from '../decode-utf8.js';
import type { StreamBodyReader } from '../wire-format.js';
import { bedrockError } from './bedrock-error.js';
import { converseFinishReason } from './converse-finish-reason.js';
import { converseUsage } from './converse-usage.js';
import { EventStreamSplitter } from './event-stream-splitter.js';

type Fields = Readonly<Record<string, unknown>>;

// Stateless: one codec serves every stream.
const codec = new EventStreamCodec(toUtf8, fromUtf8);

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function header(headers: MessageHeaders, name: string): string | undefined {
  const value = headers[name];
  return value?.type === 'string' ? value.value : undefined;
}

export interface ConverseStreamOptions {
  /** The model name the chunks carry (the deployment's). */
  readonly model: string;
  /** `stream_options.include_usage`: a last `choices: []` chunk carries the usage, as OpenAI sends it. */
  readonly includeUsage: boolean;
  readonly nowMs: number;
  /** Masked in the messages of exception frames. */
  readonly secrets: readonly (string | undefined)[];
}

/**
 * Reads a ConverseStream body (`application/vnd.amazon.eventstream`: binary frames, each an event
 * named by its `:event-type` header with a JSON payload) and delivers OpenAI chunks to `sink`:
 *
 * - `messageStart` → the role-only chunk (no content: it never satisfies the first-chunk clock);
 * - `contentBlockStart` with a `toolUse` → the tool call's first chunk (id, name);
 * - `contentBlockDelta` → `delta.text` as content, `delta.toolUse.input` as the call's arguments,
 *   `delta.reasoningContent.text` as `reasoning_content`;
 * - `messageStop` → the `finish_reason` chunk; `metadata` (always last) → the usage chunk, if asked
 *   for, and the stream is whole;
 * - an exception frame (`:message-type: exception`) → its typed error (`bedrockError`).
 *
 * A body that ends without `messageStop` was cut short: `APIConnectionError`, never a silent end.
 */
export class ConverseStreamReader implements StreamBodyReader {
  private readonly splitter = new EventStreamSplitter();
  private readonly id = `chatcmpl-${randomUUID()}`;
  private readonly created: number;
  /** Tool calls by their content block, numbered as OpenAI's `tool_calls[].index`. */
  private readonly toolCalls = new Map<number, number>();
  private stopped = false;

  constructor(
    private readonly sink: ChunkSink,
    private readonly options: ConverseStreamOptions,
  ) {
    this.created = Math.floor(options.nowMs / 1000);
  }

  push(bytes: Buffer): void {
    if (this.sink.closed) return;
    let messages: Buffer[];
    try {
      messages = this.splitter.push(bytes);
    } catch (error) {
      this.unreadable(error);
      return;
    }
    for (const bytes of messages) {
      if (this.sink.closed) return;
      let message: Message;
      try {
        message = codec.decode(bytes);
      } catch (error) {
        this.unreadable(error);
        return;
      }
      this.deliver(message);
    }
    const { failure } = this.splitter;
    if (failure !== undefined && !this.sink.closed) this.unreadable(failure);
  }

  end(): void {
    const { sink } = this;
    if (sink.closed) return;
    if (this.splitter.pending > 0) sink.error(new APIConnectionError('stream ended before completion: the upstream closed it mid-event'));
    else if (this.stopped) sink.complete();
    else sink.error(new APIConnectionError('stream ended before completion: the upstream closed it without messageStop'));
  }

  private unreadable(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.sink.error(new APIConnectionError(`unreadable upstream event stream: ${reason}`, { cause: error }));
  }

  private deliver(message: Message): void {
    const messageType = header(message.headers, ':message-type') ?? 'event';
    let payload: unknown;
    try {
      const { body } = message;
      payload = body.byteLength === 0 ? {} : (JSON.parse(decodeUtf8(Buffer.from(body.buffer, body.byteOffset, body.byteLength))) as unknown);
    } catch (error) {
      this.unreadable(error);
      return;
    }
    const fields = isFields(payload) ? payload : {};
    if (messageType === 'exception') {
      const text = typeof fields['message'] === 'string' ? fields['message'] : 'the upstream reported an error mid-stream';
      this.sink.error(bedrockError(header(message.headers, ':exception-type') ?? 'InternalServerException', text, { secrets: this.options.secrets }));
      return;
    }
    if (messageType === 'error') {
      // The event-stream protocol's own failure, outside Bedrock's modelled exceptions.
      const code = header(message.headers, ':error-code') ?? 'unknown';
      const text = header(message.headers, ':error-message') ?? '';
      this.sink.error(new APIConnectionError(`upstream event stream error ${code}: ${text}`));
      return;
    }
    this.event(header(message.headers, ':event-type'), fields);
  }

  private event(type: string | undefined, event: Fields): void {
    switch (type) {
      case 'messageStart':
        this.emit({ role: 'assistant', content: '' });
        return;
      case 'contentBlockStart': {
        const start = isFields(event['start']) ? event['start'] : {};
        if (!isFields(start['toolUse'])) return;
        const { toolUseId, name } = start['toolUse'];
        const index = this.toolIndex(event['contentBlockIndex']);
        this.emit({ tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }] });
        return;
      }
      case 'contentBlockDelta':
        this.delta(event);
        return;
      case 'messageStop':
        this.stopped = true;
        this.emit({}, converseFinishReason(event['stopReason']));
        return;
      case 'metadata': {
        const usage = converseUsage(event['usage']);
        if (this.options.includeUsage && usage !== undefined) this.emitUsage(usage);
        // The last event of a stream: whatever follows is only drained.
        if (this.stopped && !this.sink.closed) this.sink.complete();
        return;
      }
      default:
        // contentBlockStop, and events newer than this reader: nothing to say in OpenAI's terms.
        return;
    }
  }

  private delta(event: Fields): void {
    const delta = isFields(event['delta']) ? event['delta'] : {};
    if (typeof delta['text'] === 'string') {
      if (delta['text'] !== '') this.emit({ content: delta['text'] });
    } else if (isFields(delta['toolUse'])) {
      const input = delta['toolUse']['input'];
      if (typeof input === 'string' && input !== '') {
        this.emit({ tool_calls: [{ index: this.toolIndex(event['contentBlockIndex']), function: { arguments: input } }] });
      }
    } else if (isFields(delta['reasoningContent'])) {
      const thought = delta['reasoningContent']['text'];
      if (typeof thought === 'string' && thought !== '') this.emit({ reasoning_content: thought });
    }
  }

  private toolIndex(block: unknown): number {
    const key = typeof block === 'number' ? block : -1;
    let index = this.toolCalls.get(key);
    if (index === undefined) {
      index = this.toolCalls.size;
      this.toolCalls.set(key, index);
    }
    return index;
  }

  private emit(delta: ChatCompletionDelta, finishReason: string | null = null): void {
    if (!this.sink.closed) this.sink.next(this.chunk([{ index: 0, delta, finish_reason: finishReason }]));
  }

  private emitUsage(usage: Usage): void {
    if (!this.sink.closed) this.sink.next({ ...this.chunk([]), usage });
  }

  private chunk(choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.options.model, choices };
  }
}
