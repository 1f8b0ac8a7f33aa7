import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';

/** Far above any real chunk; it only stops a body without line breaks from growing without bound. */
const maxBufferedChars = 16 * 1024 * 1024;

export interface SseDecoderCallbacks {
  /** Each complete event, in order. SSE comments (`: keep-alive`) and `retry:` never reach it. */
  readonly onEvent: (event: EventSourceMessage) => void;
  /** The stream cannot be read as SSE (an unbounded line); nothing more will be decoded. */
  readonly onError: (error: ParseError) => void;
}

/**
 * Decodes a `text/event-stream` body from raw network buffers: a streaming UTF-8 decoder keeps a
 * character split across two buffers whole, and eventsource-parser handles the SSE grammar (CR, LF
 * or CRLF line ends, even a CRLF split across buffers; multi-line `data`; comments). A byte order
 * mark at the start is dropped, as the SSE spec says.
 *
 * node:string_decoder rather than a `TextDecoder`: every open stream keeps one, and it is the
 * smaller and faster of the two (bench/README.md).
 *
 * @example
 * const decoder = createSseDecoder({ onEvent: (e) => console.log(e.data), onError: console.error });
 * body.on('data', (bytes) => decoder.push(bytes)).on('end', () => decoder.end());
 */
export function createSseDecoder(callbacks: SseDecoderCallbacks): SseDecoder {
  return new SseDecoder(callbacks);
}

/**
 * An SSE decoder for a stream reader: its events go to `onEvent`, and SSE that cannot be read
 * fails `sink` (once, unless it closed already) with an `APIConnectionError`.
 */
export function sinkSseDecoder(sink: { readonly closed: boolean; error(error: RxllmError): void }, onEvent: (event: EventSourceMessage) => void): SseDecoder {
  return new SseDecoder({
    onEvent,
    onError: (error) => {
      if (!sink.closed) sink.error(new APIConnectionError(`unreadable upstream stream: ${error.message}`, { cause: error }));
    },
  });
}

/** Bytes in, SSE events out (see `createSseDecoder`). A class: every open stream keeps one. */
export class SseDecoder {
  /** Made only once a piece ends inside a character: most pieces end with an event's line break. */
  private text: StringDecoder | undefined;
  private readonly parser: EventSourceParser;
  private started = false;
  private failed = false;

  constructor(callbacks: SseDecoderCallbacks) {
    this.parser = createParser({
      onEvent: callbacks.onEvent,
      onError: (error) => {
        // Unknown fields and bad `retry:` values are ignored, as the SSE spec says; only an overflow is fatal.
        if (error.type !== 'max-buffer-size-exceeded') return;
        this.failed = true;
        callbacks.onError(error);
      },
      maxBufferSize: maxBufferedChars,
    });
  }

  /** Feeds the next piece of the body, cut wherever the network cut it. */
  push(bytes: Uint8Array): void {
    const last = bytes[bytes.length - 1];
    // A piece that ends on an ASCII byte ends on a whole character: it decodes on its own, with no
    // decoder object kept for the stream (every open stream would keep one).
    if (this.text === undefined && (last === undefined || last < 0x80)) {
      this.feed(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
      return;
    }
    this.text ??= new StringDecoder('utf8');
    this.feed(this.text.write(bytes));
  }

  /** The body ended: flushes a trailing partial character and dispatches a last event left open. */
  end(): void {
    // The SSE spec drops an event the body ended inside; we dispatch it instead, because a lost
    // `data: [DONE]` would turn a whole answer into an error, and a data line cut short cannot
    // be mistaken for a whole one: it fails to parse as JSON, and the caller reports that.
    this.feed(`${this.text?.end() ?? ''}\n\n`);
  }

  private feed(chunk: string): void {
    if (this.failed || chunk === '') return;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.parser.feed(chunk);
  }
}
