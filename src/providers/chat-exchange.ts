import { errors, type Dispatcher } from 'undici';
import { APIConnectionError } from '../errors/error-classes.js';
import { withoutStackTraces } from '../errors/without-stack-traces.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { CallOutput } from '../router/call-kind.js';
import type { ChunkSink } from './chunk-stream-reader.js';
import { connectionError, originOf } from './connection-error.js';
import { decodeUtf8 } from './decode-utf8.js';
import { errorBodyLimitBytes } from './error-from-response.js';
import { headerValue, type ResponseHeaders } from './header-value.js';
import type { ProviderRequest } from './provider.js';
import { unexpectedBodyError } from './unexpected-body-error.js';
import type { StreamBodyReader, WireFormat } from './wire-format.js';

/** Where an exchange delivers: an RxJS subscriber fits. */
export interface ExchangeSink {
  readonly closed: boolean;
  next(value: CallOutput): void;
  complete(): void;
  error(error: RxllmError): void;
}

// After `[DONE]` the response has normally ended or is about to; reading its last bytes lets the
// socket go back to the pool. An upstream that keeps it open longer loses the socket instead.
const drainLimitBytes = 64 * 1024;
const drainGraceMs = 1_000;

/**
 * Aborts the request with no stack traces made for it. Its errors are never shown (the exchange
 * ignores its own abort), yet undici destroys the socket with an error of its own, and Node formats
 * the trace of any error a stream is destroyed with (streams' checkError): cancelling a call in
 * flight cost 66-67 µs at p50 with the traces, 38-39 µs without (`node bench/micro.mjs cancel`).
 */
function abortWithoutTraces(controller: Dispatcher.DispatchController | undefined): void {
  if (controller !== undefined) withoutStackTraces(() => controller.abort(new errors.RequestAbortedError()));
}

/** What the body being received is read as. */
type Reading =
  | 'headers' // waiting for the response
  | 'completion' // a 2xx JSON completion, collected whole
  | 'stream' // a 2xx event stream, decoded as it arrives
  | 'error-body' // a non-2xx body, collected up to errorBodyLimitBytes
  | 'unexpected-json' // a 2xx JSON body where a stream was asked for, collected up to the limit
  | 'draining' // a finished stream's last bytes, read so the socket can be reused
  | 'over'; // nothing more is wanted: ended, failed, or given up (aborted)

/**
 * One HTTP exchange with an upstream, as an undici dispatch handler: undici calls it with the
 * response's status, headers, body pieces and end (or error), and it delivers typed results to
 * `sink`, read through the provider's `format` (OpenAI's, Azure's, Gemini's...). It is what `request()` would do for us, without the `Readable` body, the
 * promise and the abort-signal plumbing a proxy would pay for on every call (bench/README.md).
 *
 * `cancel()` is the subscriber going away: the request is aborted (its socket destroyed, so the
 * upstream sees the connection close) unless it already ended, or the stream was whole and only its
 * last bytes are still coming, which are then read (within a budget) so the socket can be reused.
 */
export class ChatExchange implements Dispatcher.DispatchHandler, ChunkSink {
  private controller: Dispatcher.DispatchController | undefined;
  private reading: Reading = 'headers';
  private statusCode = 0;
  private headers: ResponseHeaders = {};
  private contentType = '';
  private parts: Buffer[] = [];
  private length = 0;
  private stream: StreamBodyReader | undefined;
  /** The sink completed: a stream's `[DONE]` came, whatever follows is only drained. */
  private whole = false;
  private cancelled = false;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly request: ProviderRequest,
    private readonly sink: ExchangeSink,
    private readonly now: () => number,
    private readonly format: WireFormat,
  ) {}

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.reading === 'over') return;
    if (this.whole && this.reading === 'stream') {
      this.startDraining();
      return;
    }
    this.reading = 'over';
    // Before undici has handed over the controller, the request has not reached a socket yet: it is
    // aborted the moment it does (onRequestStart).
    abortWithoutTraces(this.controller);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancelled && !this.whole) abortWithoutTraces(controller);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    // The raw header bytes stay on the controller for the whole response unless let go; this handler
    // is their last reader, and a stream may stay open for minutes (about 1 KB each, measured).
    controller.rawHeaders = null;
    // 1xx informational responses come before the real one.
    if (statusCode < 200 || this.reading !== 'headers') return;
    this.statusCode = statusCode;
    this.contentType = headerValue(headers, 'content-type') ?? '';
    if (statusCode >= 300) {
      // Kept for the error's Retry-After; a stream that runs for minutes has no use for them.
      this.headers = headers;
      this.reading = 'error-body';
    } else if (this.request.stream) {
      if (/application\/json/i.test(this.contentType)) {
        this.reading = 'unexpected-json';
      } else {
        this.reading = 'stream';
        this.stream = this.format.streamReader(this, this.request, this.now());
      }
    } else if (/text\/event-stream/i.test(this.contentType)) {
      this.fail(new APIConnectionError(`asked the upstream for a JSON completion, it answered ${this.contentType}`));
    } else {
      // A whole answer's headers are read with its body (usage some providers report only there).
      this.headers = headers;
      this.reading = 'completion';
    }
  }

  onResponseData(_controller: Dispatcher.DispatchController, bytes: Buffer): void {
    switch (this.reading) {
      case 'stream':
        this.stream?.push(bytes);
        return;
      case 'completion':
        this.collect(bytes);
        return;
      case 'error-body':
      case 'unexpected-json':
        this.collect(bytes);
        // Enough of an error body: answer with what came, and give up the rest (and the socket).
        if (this.length > errorBodyLimitBytes) this.finishBody(true);
        return;
      case 'draining':
        this.length += bytes.length;
        if (this.length > drainLimitBytes) this.giveUp();
        return;
      default:
        return;
    }
  }

  onResponseEnd(): void {
    switch (this.reading) {
      case 'stream':
        this.reading = 'over';
        this.stream?.end();
        return;
      case 'completion':
      case 'error-body':
      case 'unexpected-json':
        this.finishBody(false);
        return;
      case 'draining':
        clearTimeout(this.drainTimer);
        this.reading = 'over';
        return;
      default:
        return;
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    const reading = this.reading;
    this.reading = 'over';
    clearTimeout(this.drainTimer);
    if (this.cancelled || this.sink.closed) return;
    if (reading === 'error-body') {
      // The status says what went wrong even when its body could not be read.
      this.sink.error(this.format.errorFromResponse(this.statusCode, this.headers, '', this.now(), this.request));
      return;
    }
    this.sink.error(connectionError(error, originOf(this.request.deployment.apiBase)));
  }

  // The stream reader's sink (ChunkSink): the exchange itself, so an open stream keeps no extra object.
  get closed(): boolean {
    return this.sink.closed;
  }

  next(chunk: CallOutput): void {
    this.sink.next(chunk);
  }

  complete(): void {
    this.whole = true;
    this.sink.complete();
  }

  error(error: RxllmError): void {
    this.sink.error(error);
  }

  private collect(bytes: Buffer): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  private finishBody(truncated: boolean): void {
    const reading = this.reading;
    this.reading = 'over';
    const all = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.length);
    this.parts = [];
    if (reading === 'completion') {
      let completion: CallOutput;
      try {
        completion = this.format.readCompletion(all, this.request, this.now(), this.headers);
      } catch (error) {
        this.sink.error(toRxllmError(error));
        return;
      }
      if (this.sink.closed) return;
      this.sink.next(completion);
      this.sink.complete();
      return;
    }
    const text = decodeUtf8(truncated ? all.subarray(0, errorBodyLimitBytes) : all);
    this.fail(
      reading === 'error-body'
        ? this.format.errorFromResponse(this.statusCode, this.headers, text, this.now(), this.request)
        : unexpectedBodyError(text, this.contentType, this.format.secretOf(this.request)),
    );
  }

  /** Ends the exchange with `error`; the response is aborted if it is still coming. */
  private fail(error: RxllmError): void {
    this.reading = 'over';
    if (!this.sink.closed) this.sink.error(error);
    abortWithoutTraces(this.controller);
  }

  private startDraining(): void {
    this.reading = 'draining';
    this.length = 0;
    this.drainTimer = setTimeout(() => this.giveUp(), drainGraceMs);
    this.drainTimer.unref();
  }

  private giveUp(): void {
    clearTimeout(this.drainTimer);
    this.reading = 'over';
    abortWithoutTraces(this.controller);
  }
}
