import type { Dispatcher } from 'undici';
import { defaultAgent } from './default-agent.js';
import { exchange$ } from './exchange.js';
import { openAIWireFormat } from './openai-wire-format.js';
import type { Provider } from './provider.js';

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
    call: (request) => exchange$(request, options.dispatcher ?? defaultAgent(), now, openAIWireFormat),
  };
}
