import { brand, RxllmError, type OpenAIErrorType } from './rxllm-error.js';

// One class per OpenAI/LiteLLM error kind. Defaults live on the class (status, type, code) so that
// instances stay small and `toRxllmError` can pick a class by status alone.

/** 400: the request is wrong; `param` names the field. Never retried. */
export class BadRequestError extends RxllmError {
  static override readonly defaultStatus: number = 400;
  static override readonly defaultType: OpenAIErrorType = 'invalid_request_error';
  static override readonly defaultCode: string = 'bad_request';
}

/** 400: the prompt does not fit the model's context window. `context_window_fallbacks` apply. */
export class ContextWindowExceededError extends BadRequestError {
  static override readonly defaultCode: string = 'context_length_exceeded';
}

/** 400: the provider refused the content. `content_policy_fallbacks` apply. */
export class ContentPolicyViolationError extends BadRequestError {
  static override readonly defaultCode: string = 'content_policy_violation';
}

/** 401: a wrong or missing API key. */
export class AuthenticationError extends RxllmError {
  static override readonly defaultStatus: number = 401;
  static override readonly defaultType: OpenAIErrorType = 'authentication_error';
  static override readonly defaultCode: string = 'invalid_api_key';
}

/** 403. Never retried. */
export class PermissionDeniedError extends RxllmError {
  static override readonly defaultStatus: number = 403;
  static override readonly defaultType: OpenAIErrorType = 'permission_error';
  static override readonly defaultCode: string = 'permission_denied';
}

/** 404: an unknown model group (`model_not_found`) or an upstream 404. */
export class NotFoundError extends RxllmError {
  static override readonly defaultStatus: number = 404;
  static override readonly defaultType: OpenAIErrorType = 'not_found_error';
  static override readonly defaultCode: string = 'model_not_found';
}

/**
 * 408: a clock ran out. `code` says which: `first_chunk_timeout`, `idle_timeout`, `attempt_timeout`,
 * `deadline_exceeded`, or `upstream_timeout` when the provider itself answered 408.
 */
export class RequestTimeoutError extends RxllmError {
  static override readonly defaultStatus: number = 408;
  static override readonly defaultType: OpenAIErrorType = 'timeout_error';
  static override readonly defaultCode: string = 'timeout';
}

/** 409 from the provider (a request that conflicted with the provider's state). Retried, as the openai SDK does. */
export class ConflictError extends RxllmError {
  static override readonly defaultStatus: number = 409;
  static override readonly defaultType: OpenAIErrorType = 'invalid_request_error';
  static override readonly defaultCode: string = 'conflict';
}

/**
 * Any other 4xx from the provider that rxllm has no class for (402, 410, 418, 451, ...). Its status
 * is kept on the wire, and it is retried: only the 4xx listed in DESIGN §4 are the request's own fault.
 */
export class UpstreamClientError extends RxllmError {
  static override readonly defaultStatus: number = 400;
  static override readonly defaultType: OpenAIErrorType = 'invalid_request_error';
  static override readonly defaultCode: string = 'upstream_client_error';
}

/** 422. Never retried. */
export class UnprocessableEntityError extends RxllmError {
  static override readonly defaultStatus: number = 422;
  static override readonly defaultType: OpenAIErrorType = 'invalid_request_error';
  static override readonly defaultCode: string = 'unprocessable_entity';
}

/** 429 from the provider; `retryAfter` holds its `Retry-After` in seconds when it sent one. */
export class RateLimitError extends RxllmError {
  static override readonly defaultStatus: number = 429;
  static override readonly defaultType: OpenAIErrorType = 'rate_limit_error';
  static override readonly defaultCode: string = 'rate_limit_exceeded';
}

/** 429: every deployment of the group is cooling down; `retryAfter` is when the soonest comes back. */
export class NoDeploymentsAvailableError extends RateLimitError {
  static override readonly defaultCode: string = 'no_deployments_available';
}

/** 5xx from the provider (the upstream status is kept), or an unexpected failure inside rxllm. */
export class InternalServerError extends RxllmError {
  static override readonly defaultStatus: number = 500;
  static override readonly defaultType: OpenAIErrorType = 'server_error';
  static override readonly defaultCode: string = 'internal_server_error';
}

/** 502: the provider could not be reached, reset the connection, or sent something unreadable. */
export class APIConnectionError extends RxllmError {
  static override readonly defaultStatus: number = 502;
  static override readonly defaultType: OpenAIErrorType = 'api_connection_error';
  static override readonly defaultCode: string = 'api_connection_error';
}

/** 503: the provider (or rxllm, while shutting down) is not taking calls. */
export class ServiceUnavailableError extends RxllmError {
  static override readonly defaultStatus: number = 503;
  static override readonly defaultType: OpenAIErrorType = 'server_error';
  static override readonly defaultCode: string = 'service_unavailable';
}

for (const Class of [
  BadRequestError,
  ContextWindowExceededError,
  ContentPolicyViolationError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RequestTimeoutError,
  ConflictError,
  UnprocessableEntityError,
  UpstreamClientError,
  RateLimitError,
  NoDeploymentsAvailableError,
  InternalServerError,
  APIConnectionError,
  ServiceUnavailableError,
]) {
  brand(Class);
}
