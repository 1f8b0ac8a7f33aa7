import type { Dispatcher } from 'undici';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { CallKindName, CallOutput } from '../router/call-kind.js';
import type { ChunkSink } from './chunk-stream-reader.js';
import type { ResponseHeaders } from './header-value.js';
import type { ProviderRequest } from './provider.js';

/** Reads a 2xx streaming body as it arrives and delivers OpenAI chunks to its sink. */
export interface StreamBodyReader {
  /** The next bytes of the body, cut wherever the network cut them. */
  push(bytes: Buffer): void;
  /** The body ended: complete the sink if the stream was whole, else error it. */
  end(): void;
}

/**
 * What a provider adapter translates, and nothing else: the OpenAI request into the provider's HTTP
 * request, and the provider's completion, stream and error bodies into OpenAI values and typed errors.
 * One `ChatExchange` runs any of them over undici, so the transport (abort on unsubscribe, keep-alive,
 * a stream cut short errors) and every clock above it are the same for all providers (DESIGN §8).
 *
 * An adapter is one module-level object: choosing it costs a lookup per call, nothing per chunk.
 */
export interface WireFormat {
  /**
   * The provider's HTTP request for `request`: origin, path, headers (auth), body. Throws a typed
   * error (a field the provider cannot take) or any error for an unusable deployment.
   *
   * A format whose auth is computed asynchronously (Bedrock's SigV4 signature) returns a Promise of
   * them: the request goes out once it settles, unless the call was unsubscribed meanwhile. Formats
   * that can answer at once return the options themselves, and pay for no Promise.
   */
  dispatchOptions(request: ProviderRequest): Dispatcher.DispatchOptions | Promise<Dispatcher.DispatchOptions>;
  /**
   * A whole 2xx JSON body as the answer of the request's kind (a chat completion, a text completion,
   * embeddings); throws a typed error when it is not one. `headers` are the response's: some
   * providers report usage there only (Bedrock's `x-amzn-bedrock-input-token-count`).
   */
  readCompletion(bytes: Buffer, request: ProviderRequest, nowMs: number, headers: ResponseHeaders): CallOutput;
  /**
   * The kinds of call (DESIGN §9) the provider's API answers itself; chat only when absent. A text
   * completion at a chat-only provider goes through the prompt-as-message mapping above the format.
   */
  readonly kinds?: ReadonlySet<CallKindName>;
  /** A reader for a 2xx event-stream body, delivering to `sink`. */
  streamReader(sink: ChunkSink, request: ProviderRequest, nowMs: number): StreamBodyReader;
  /** The typed error for a non-2xx response (`text`: the first 64 KiB of its body, '' if unreadable). */
  errorFromResponse(status: number, headers: ResponseHeaders, text: string, nowMs: number, request: ProviderRequest): RxllmError;
  /** The secret to mask in anything the upstream echoes back. */
  secretOf(request: ProviderRequest): string | undefined;
}
