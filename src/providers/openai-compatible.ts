import { Observable } from 'rxjs';
import type { Dispatcher } from 'undici';
import { APIConnectionError } from '../errors/error-classes.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk } from '../protocol/chat.js';
import { AbortEmitter } from './abort-emitter.js';
import { connectionError, originOf } from './connection-error.js';
import { defaultAgent } from './default-agent.js';
import { errorFromResponse } from './error-from-response.js';
import { headerValue } from './header-value.js';
import { pipeChunkStream, type ChunkSink } from './pipe-chunk-stream.js';
import type { Provider, ProviderRequest } from './provider.js';
import { readCompletion } from './read-completion.js';
import { sendChatRequest } from './send-chat-request.js';
import { unexpectedBodyError } from './unexpected-body-error.js';

type ResponseBody = Dispatcher.ResponseData['body'];

export interface OpenAICompatibleProviderOptions {
  /** The undici dispatcher to send through. Default: the shared keep-alive agent (`defaultAgent()`). */
  readonly dispatcher?: Dispatcher;
  /** Wall-clock time in ms, to read a `Retry-After` HTTP-date. Default: `Date.now`. */
  readonly now?: () => number;
}

// After `[DONE]` the response has normally ended or is about to; reading its last bytes lets the
// socket go back to the pool. An upstream that keeps it open longer loses the socket instead.
const drainLimitBytes = 64 * 1024;
const drainGraceMs = 1_000;

function noop(): void {}

/**
 * Reads what is left of a finished stream's body so its socket can be reused, or destroys it (which
 * closes the socket) past a small size or time budget. Not `body.dump()`: its limit counts the bytes
 * of the whole stream, so any answer over 64 KiB would lose its socket.
 */
function drain(body: ResponseBody): void {
  let budget = drainLimitBytes;
  const timer = setTimeout(() => body.destroy(), drainGraceMs);
  timer.unref();
  body.on('close', () => clearTimeout(timer));
  body.on('data', (bytes: Buffer) => {
    budget -= bytes.length;
    if (budget < 0) body.destroy();
  });
  body.resume();
}

/**
 * A provider for any OpenAI-compatible `/chat/completions` endpoint (OpenAI, Azure-style gateways,
 * vLLM, LM Studio, LiteLLM, another rxllm), over undici with keep-alive pooling.
 *
 * Each call is a cold Observable: the request is sent on subscribe, and unsubscribing aborts it at
 * once (the socket is destroyed, so the upstream sees the connection close). Non-streaming: one
 * `ChatCompletion`, then complete. Streaming: the SSE chunks in order, then complete at `[DONE]`;
 * a stream cut short errors. Every failure is a typed `RxllmError`: upstream statuses through
 * `errorFromStatus` (with `retryAfter` in seconds), transport failures and unreadable bodies as
 * `APIConnectionError`. The API key is never part of an error.
 *
 * @example
 * const provider = createOpenAICompatibleProvider();
 * provider.call({ deployment, body: { model: 'gpt-4o-mini', messages, stream: true }, stream: true })
 *   .subscribe((chunk) => process.stdout.write(chunk.choices[0]?.delta.content ?? ''));
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions = {}): Provider {
  const now = options.now ?? Date.now;
  return {
    call: (request) => call$(request, options.dispatcher ?? defaultAgent(), now),
  };
}

function call$(
  request: ProviderRequest,
  dispatcher: Dispatcher,
  now: () => number,
): Observable<ChatCompletion | ChatCompletionChunk> {
  return new Observable((subscriber) => {
    const { apiKey } = request.deployment;
    const abort = new AbortEmitter();
    let body: ResponseBody | undefined;
    let drainOnRelease = false;

    const fail = (error: unknown): void => {
      if (!subscriber.closed) subscriber.error(connectionError(error, originOf(request.deployment.apiBase)));
    };
    const sink: ChunkSink = {
      get closed() {
        return subscriber.closed;
      },
      next: (chunk) => subscriber.next(chunk),
      complete: () => {
        drainOnRelease = true;
        subscriber.complete();
      },
      error: (error) => subscriber.error(error),
    };

    const handle = async (response: Dispatcher.ResponseData): Promise<void> => {
      body = response.body;
      // Every read path reports errors itself; this listener only guarantees a late error after
      // unsubscribe (the abort destroys the body) can never become an uncaught exception.
      body.on('error', noop);
      if (subscriber.closed) return;
      if (response.statusCode < 200 || response.statusCode >= 300) {
        fail(await errorFromResponse(response, now(), apiKey));
        return;
      }
      const contentType = headerValue(response.headers, 'content-type') ?? '';
      if (request.stream) {
        if (/application\/json/i.test(contentType)) {
          fail(await unexpectedBodyError(body, contentType, apiKey));
          return;
        }
        pipeChunkStream(body, sink, fail, apiKey);
        return;
      }
      if (/text\/event-stream/i.test(contentType)) {
        fail(new APIConnectionError(`asked the upstream for a JSON completion, it answered ${contentType}`));
        return;
      }
      const completion = await readCompletion(body, apiKey);
      if (subscriber.closed) return;
      subscriber.next(completion);
      subscriber.complete();
    };

    let response: Promise<Dispatcher.ResponseData>;
    try {
      response = sendChatRequest(request, abort, dispatcher);
    } catch (error) {
      subscriber.error(toRxllmError(error));
      return undefined;
    }
    // Once unsubscribed, `fail` ignores the abort's rejection, so it never goes unhandled.
    response.then(handle).catch(fail);

    return () => {
      if (body?.readableEnded === true) return;
      if (drainOnRelease && body !== undefined) drain(body);
      else abort.abort();
    };
  });
}
