import { InternalServerError, ServiceUnavailableError } from '../../errors/error-classes.js';
import { errorFromStatus } from '../../errors/error-from-status.js';
import type { RxllmError, RxllmErrorOptions } from '../../errors/rxllm-error.js';
import { errorFromResponse } from '../error-from-response.js';
import type { ResponseHeaders } from '../header-value.js';
import { parseRetryAfter } from '../parse-retry-after.js';
import { redactSecret } from '../redact-secret.js';
import { isRecord } from './unsupported-param.js';

/** The status each of Anthropic's error types is sent with (its errors page), for errors inside a 200 stream. */
const statusByType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Anthropic's own status for "the API is temporarily overloaded". */
const overloadedStatus = 529;

export interface AnthropicErrorFields {
  readonly type: string | undefined;
  readonly message: string | undefined;
}

/** The `error` of Anthropic's `{"type": "error", "error": {"type", "message"}}`, if `body` is one. */
export function anthropicErrorFields(body: unknown): AnthropicErrorFields | undefined {
  if (!isRecord(body) || body['type'] !== 'error' || !isRecord(body['error'])) return undefined;
  const { type, message } = body['error'];
  return { type: typeof type === 'string' ? type : undefined, message: typeof message === 'string' ? message : undefined };
}

export interface AnthropicErrorContext {
  /** The HTTP status; absent for an `error` event inside a 200 stream (the error's type then tells). */
  readonly status?: number;
  /** Seconds, from the response's `retry-after`. */
  readonly retryAfter?: number;
  /** Masked wherever the upstream echoes it. */
  readonly apiKey?: string | undefined;
}

/**
 * The typed error for one of Anthropic's errors, by HTTP status (else its type): 400
 * invalid_request_error → `BadRequestError` ("prompt is too long" → `ContextWindowExceededError`, so
 * `context_window_fallbacks` apply), 401, 403, 404, 413, 429 (`retryAfter`), 500 as `errorFromStatus`
 * maps them; 529 overloaded_error → `ServiceUnavailableError` (503: retried, and counted for
 * cooldowns as a server error). The key never appears in the message.
 *
 * @example
 * anthropicError({ type: 'overloaded_error', message: 'Overloaded' }, {})
 * // ServiceUnavailableError { status: 503 }
 */
export function anthropicError(fields: AnthropicErrorFields, context: AnthropicErrorContext): RxllmError {
  const message = redactSecret(fields.message ?? `anthropic ${fields.type ?? 'error'}`, context.apiKey);
  const options: RxllmErrorOptions = {};
  if (context.retryAfter !== undefined) options.retryAfter = context.retryAfter;
  const status = context.status ?? (fields.type === undefined ? undefined : statusByType[fields.type]);
  if (status === undefined) return new InternalServerError(message, options);
  if (status === overloadedStatus) return new ServiceUnavailableError(message, { ...options, status: 503, code: 'overloaded' });
  return errorFromStatus(status, message, options);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The typed error for an Anthropic error response (status outside 2xx; `text`: the start of its
 * body, '' when unreadable), with `retryAfter` from its `retry-after` header. A body that is not
 * Anthropic's (a gateway's page, an OpenAI-shaped error from a proxy in between) is read as any
 * upstream's error (`errorFromResponse`); a 529 is a 503 whatever its body.
 */
export function anthropicErrorFromResponse(status: number, headers: ResponseHeaders, text: string, nowMs: number, apiKey?: string): RxllmError {
  const fields = anthropicErrorFields(parseJson(text));
  if (fields !== undefined || status === overloadedStatus) {
    const retryAfter = parseRetryAfter(headers, nowMs);
    return anthropicError(fields ?? { type: 'overloaded_error', message: undefined }, {
      status,
      apiKey,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  return errorFromResponse(status, headers, text, nowMs, apiKey);
}
