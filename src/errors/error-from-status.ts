import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnprocessableEntityError,
  UpstreamClientError,
} from './error-classes.js';
import type { RxllmError, RxllmErrorOptions } from './rxllm-error.js';

const contextWindowMessage = /context length|context window|maximum context|too many tokens|prompt is too long/i;
const contentPolicyMessage = /content (management )?policy|content_filter|safety system|flagged/i;

/**
 * The error class an upstream HTTP status stands for, as the openai SDK and LiteLLM map them.
 * `options.code` is the provider's own code when it sent one; 400s are told apart by code or message.
 * A 4xx without a class of its own keeps its status as an `UpstreamClientError`, which is retried.
 */
export function errorFromStatus(status: number, message: string, options: RxllmErrorOptions = {}): RxllmError {
  const withStatus = { ...options, status };
  switch (status) {
    case 400:
      if (options.code === 'context_length_exceeded' || contextWindowMessage.test(message)) {
        return new ContextWindowExceededError(message, { ...withStatus, code: 'context_length_exceeded' });
      }
      if (
        options.code === 'content_policy_violation' ||
        options.code === 'content_filter' ||
        contentPolicyMessage.test(message)
      ) {
        return new ContentPolicyViolationError(message, { ...withStatus, code: 'content_policy_violation' });
      }
      return new BadRequestError(message, withStatus);
    case 401:
      return new AuthenticationError(message, withStatus);
    case 403:
      return new PermissionDeniedError(message, withStatus);
    case 404:
      return new NotFoundError(message, { code: 'not_found', ...withStatus });
    case 408:
      return new RequestTimeoutError(message, { ...withStatus, code: 'upstream_timeout' });
    case 409:
      return new ConflictError(message, withStatus);
    case 413:
      // Too large for the provider: the request's fault, never retried (DESIGN §4).
      return new BadRequestError(message, { code: 'request_too_large', ...withStatus });
    case 422:
      return new UnprocessableEntityError(message, withStatus);
    case 429:
      return new RateLimitError(message, withStatus);
    case 503:
      return new ServiceUnavailableError(message, withStatus);
  }
  if (status >= 500) return new InternalServerError(message, withStatus);
  if (status >= 400) return new UpstreamClientError(message, withStatus);
  return new APIConnectionError(`unexpected upstream status ${status}: ${message}`, options);
}
