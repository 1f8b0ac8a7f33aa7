import { NEVER, Observable, throwError } from 'rxjs';
import * as errors from '../errors/error-classes.js';
import type { RxllmError, RxllmErrorOptions } from '../errors/rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, Usage } from '../protocol/chat.js';
import type { CallOutput } from '../router/call-kind.js';
import { mockEmbedding$ } from './mock-embedding.js';
import { estimateTokens, pieces } from './mock-text.js';
import { mockTextCompletion$ } from './mock-text-completion.js';
import type { ProviderRequest } from './provider.js';

// `mock_response: "litellm.RateLimitError"` makes the mock fail with that class, as LiteLLM's does,
// so retries, fallbacks and cooldowns can be exercised without a provider.
const mockErrors: Record<string, new (message: string, options?: RxllmErrorOptions) => RxllmError> = {
  'litellm.BadRequestError': errors.BadRequestError,
  'litellm.ContextWindowExceededError': errors.ContextWindowExceededError,
  'litellm.ContentPolicyViolationError': errors.ContentPolicyViolationError,
  'litellm.AuthenticationError': errors.AuthenticationError,
  'litellm.PermissionDeniedError': errors.PermissionDeniedError,
  'litellm.NotFoundError': errors.NotFoundError,
  'litellm.Timeout': errors.RequestTimeoutError,
  'litellm.UnprocessableEntityError': errors.UnprocessableEntityError,
  'litellm.RateLimitError': errors.RateLimitError,
  'litellm.InternalServerError': errors.InternalServerError,
  'litellm.APIError': errors.InternalServerError,
  'litellm.APIConnectionError': errors.APIConnectionError,
  'litellm.ServiceUnavailableError': errors.ServiceUnavailableError,
};

let nextId = 0;

function promptText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return (messages as ChatMessage[]).map((message) => (typeof message?.content === 'string' ? message.content : '')).join(' ');
}

function usageFor(request: ProviderRequest, text: string): Usage {
  const prompt_tokens = estimateTokens(promptText(request.body['messages']));
  const completion_tokens = estimateTokens(text);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function completion(request: ProviderRequest, text: string, created: number): ChatCompletion {
  return {
    id: `chatcmpl-mock-${++nextId}`,
    object: 'chat.completion',
    created,
    model: request.deployment.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
    usage: usageFor(request, text),
  };
}

function chunks(request: ProviderRequest, text: string, created: number): ChatCompletionChunk[] {
  const base = { id: `chatcmpl-mock-${++nextId}`, object: 'chat.completion.chunk' as const, created, model: request.deployment.model };
  const out: ChatCompletionChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ];
  for (const piece of pieces(text)) out.push({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  const streamOptions = request.body['stream_options'] as { include_usage?: boolean } | null | undefined;
  if (streamOptions?.include_usage === true) out.push({ ...base, choices: [], usage: usageFor(request, text) });
  return out;
}

/**
 * A call answered without a network: `mockResponse` as the completion (word by word when streaming),
 * or the named error for `litellm.<ErrorClass>`. Emits synchronously on subscribe, so it runs in
 * virtual time under `TestScheduler`. `now` gives the `created` timestamp (ms).
 */
export function mockResponse$(
  request: ProviderRequest,
  mockResponse: string,
  now: () => number,
): Observable<CallOutput> {
  const name = mockResponse.trim();
  const ErrorClass = mockErrors[name];
  if (ErrorClass !== undefined) {
    // The provider itself timing out, as LiteLLM's Timeout stands for: not one of rxllm's own clocks.
    const options: RxllmErrorOptions = name === 'litellm.Timeout' ? { code: 'upstream_timeout' } : {};
    return throwError(() => new ErrorClass(`mock_response: ${name} (deployment ${request.deployment.id})`, options));
  }
  if (/^litellm\.[A-Z]\w*$/.test(name)) {
    // A misspelt error class must not come back as a cheerful 200 with the class name as the answer.
    return throwError(
      () =>
        new errors.BadRequestError(
          `mock_response: unknown LiteLLM error class "${name}" (known: ${Object.keys(mockErrors).join(', ')})`,
          { param: 'mock_response', code: 'invalid_request' },
        ),
    );
  }
  const kind = request.kind ?? 'chat';
  if (kind === 'text_completion') return mockTextCompletion$(request, mockResponse, now);
  if (kind === 'embedding') return mockEmbedding$(request, now);
  return new Observable((subscriber) => {
    const created = Math.floor(now() / 1000);
    if (!request.stream) {
      subscriber.next(completion(request, mockResponse, created));
    } else {
      for (const chunk of chunks(request, mockResponse, created)) {
        if (subscriber.closed) return;
        subscriber.next(chunk);
      }
    }
    subscriber.complete();
  });
}

/** `mock_timeout: true`: a call that never answers, so that the timeouts around it fire. */
export function mockTimeout$(): Observable<never> {
  return NEVER;
}
