import {
  APIConnectionError,
  ContextWindowExceededError,
  InternalServerError,
  RateLimitError,
} from '../../errors/error-classes.js';
import { errorFromStatus } from '../../errors/error-from-status.js';
import type { RxllmError, RxllmErrorOptions } from '../../errors/rxllm-error.js';
import { headerValue, type ResponseHeaders } from '../header-value.js';
import { parseRetryAfter } from '../parse-retry-after.js';
import { redactSecret } from '../redact-secret.js';

// The HTTP status AWS documents for each Bedrock Runtime exception: a stream's exception frame
// carries only the name, and an HTTP error's status is checked against it.
const statusByException: Readonly<Record<string, number>> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ModelTimeoutException: 408,
  ThrottlingException: 429,
  // A quota of the account (or region) this deployment uses: another deployment may still answer.
  ServiceQuotaExceededException: 429,
  ModelNotReadyException: 429,
  InternalServerException: 500,
  ModelErrorException: 500,
  ServiceUnavailableException: 503,
  // AWS's gateway rejects a request it cannot authenticate before Bedrock sees it.
  UnrecognizedClientException: 401,
  ExpiredTokenException: 401,
  InvalidSignatureException: 401,
  IncompleteSignatureException: 401,
  MissingAuthenticationTokenException: 401,
};

// Bedrock says so in words only: "Input is too long for requested model", "prompt is too long",
// "too many input tokens", "exceeds the context window".
const contextWindowMessage = /too long|too many (input )?tokens|context (length|window|limit)|maximum context/i;

const quotedBodyChars = 300;

/** An exception name as the HTTP header has it (`ThrottlingException`), from any of AWS's spellings. */
function exceptionName(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // `ThrottlingException:http://internal.amazon.com/coral/...`, `com.amazon.coral#ThrottlingException`.
  const name = raw.split(':')[0]?.split('#').pop()?.trim() ?? '';
  return name === '' ? undefined : name.charAt(0).toUpperCase() + name.slice(1);
}

export interface BedrockErrorContext {
  /** The HTTP status; absent for an exception frame inside a 200 stream. */
  readonly status?: number;
  readonly retryAfter?: number;
  /** Masked wherever the upstream echoes them (a bearer token, a session token). */
  readonly secrets: readonly (string | undefined)[];
}

/**
 * The typed error a Bedrock exception stands for, by its name (`ThrottlingException`, or a stream's
 * `throttlingException`): ThrottlingException → `RateLimitError` 429, ValidationException → 400
 * (`ContextWindowExceededError` when the prompt is too long), AccessDeniedException 403,
 * ResourceNotFoundException 404, ModelTimeoutException 408, InternalServerException 500,
 * ServiceUnavailableException 503, ModelStreamErrorException → `APIConnectionError` 502, unknown
 * keys and expired tokens 401; any other name by the HTTP status. Secrets never reach the message.
 *
 * @example
 * bedrockError('ThrottlingException', 'Too many requests, please wait before trying again.', { status: 429, secrets: [] })
 * // RateLimitError { status: 429 }
 */
export function bedrockError(name: string | undefined, rawMessage: string, context: BedrockErrorContext): RxllmError {
  const exception = exceptionName(name);
  let message = exception === undefined ? rawMessage : `Bedrock ${exception}: ${rawMessage}`;
  for (const secret of context.secrets) message = redactSecret(message, secret);
  const options: RxllmErrorOptions = context.retryAfter === undefined ? {} : { retryAfter: context.retryAfter };
  if (exception === 'ModelStreamErrorException') return new APIConnectionError(message, { ...options, code: 'model_stream_error' });
  const status = (exception === undefined ? undefined : statusByException[exception]) ?? context.status;
  if (status === undefined) return new InternalServerError(message, options);
  if (status === 400 && contextWindowMessage.test(rawMessage)) {
    return new ContextWindowExceededError(message, { ...options, status: 400, code: 'context_length_exceeded' });
  }
  if (status === 429) return new RateLimitError(message, { ...options, status });
  return errorFromStatus(status, message, options);
}

function parseJson(text: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The typed error for a Bedrock error response: the exception named by the `x-amzn-errortype`
 * header (else the body's `__type` / `code`), the body's `message` (or `Message`), and `retryAfter`
 * from a `Retry-After` header if one came. `text` is what could be read of the body.
 *
 * @example
 * bedrockErrorFromResponse(400, { 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
 *   '{"message":"Input is too long for requested model."}', Date.now(), [])
 * // ContextWindowExceededError { status: 400, code: 'context_length_exceeded' }
 */
export function bedrockErrorFromResponse(
  status: number,
  headers: ResponseHeaders,
  text: string,
  nowMs: number,
  secrets: readonly (string | undefined)[],
): RxllmError {
  const body = parseJson(text);
  const bodyType = body?.['__type'] ?? body?.['code'];
  const name = headerValue(headers, 'x-amzn-errortype') ?? (typeof bodyType === 'string' ? bodyType : undefined);
  const bodyMessage = body?.['message'] ?? body?.['Message'];
  const quoted = text.trim().slice(0, quotedBodyChars);
  const message =
    typeof bodyMessage === 'string' && bodyMessage !== ''
      ? bodyMessage
      : `upstream answered HTTP ${status}${quoted === '' ? '' : `: ${quoted}`}`;
  const retryAfter = parseRetryAfter(headers, nowMs);
  return bedrockError(name, message, { status, secrets, ...(retryAfter === undefined ? {} : { retryAfter }) });
}
