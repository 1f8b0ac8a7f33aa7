import { Observable } from 'rxjs';
import type { Dispatcher } from 'undici';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk } from '../protocol/chat.js';
import { chatDispatchOptions } from './chat-dispatch-options.js';
import { ChatExchange } from './chat-exchange.js';
import { defaultAgent } from './default-agent.js';
import type { Provider, ProviderRequest } from './provider.js';

export interface OpenAICompatibleProviderOptions {
  /** The undici dispatcher to send through. Default: the shared keep-alive agent (`defaultAgent()`). */
  readonly dispatcher?: Dispatcher;
  /** Wall-clock time in ms, to read a `Retry-After` HTTP-date. Default: `Date.now`. */
  readonly now?: () => number;
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
    // undici's dispatch with a handler of ours (ChatExchange) rather than request(): no Readable body,
    // promise or abort signal per call, which a proxy pays for on every request.
    let options: Dispatcher.DispatchOptions;
    try {
      options = chatDispatchOptions(request);
    } catch (error) {
      subscriber.error(toRxllmError(error));
      return undefined;
    }
    const exchange = new ChatExchange(request, subscriber, now);
    dispatcher.dispatch(options, exchange);
    return () => exchange.cancel();
  });
}
