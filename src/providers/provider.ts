import type { Observable } from 'rxjs';
import type { Deployment } from '../config/router-settings.js';
import type { CallKindName, CallOutput } from '../router/call-kind.js';

/** One call to one deployment, as the router hands it to a provider. */
export interface ProviderRequest {
  readonly deployment: Deployment;
  /** The OpenAI body to send: rxllm's extras removed, `model` set to the deployment's model. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly stream: boolean;
  /**
   * Which endpoint: chat completions (the default when absent), text completions or embeddings
   * (DESIGN §9). A provider answers in that endpoint's OpenAI shape.
   */
  readonly kind?: CallKindName;
}

/**
 * A provider turns a request into a cold Observable. Nothing is sent until it is subscribed;
 * unsubscribing aborts the request and frees its socket at once. Non-streaming: one `ChatCompletion`,
 * then complete. Streaming: `ChatCompletionChunk`s, then complete when the stream ends properly
 * (`[DONE]`); a stream that stops short errors, it never completes as if whole. Every error is an
 * `RxllmError` (DESIGN §5).
 */
export interface Provider {
  call(request: ProviderRequest): Observable<CallOutput>;
}
