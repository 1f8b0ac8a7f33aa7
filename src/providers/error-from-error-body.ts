import { InternalServerError } from '../errors/error-classes.js';
import { errorFromStatus } from '../errors/error-from-status.js';
import type { RxllmError, RxllmErrorOptions } from '../errors/rxllm-error.js';
import { redactSecret } from './redact-secret.js';

// Used only when the status is not known from HTTP: an error event inside a 200 stream, e.g. one
// sent by another rxllm or LiteLLM proxy, says what it is through its OpenAI `type`.
const statusByType: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  timeout_error: 408,
  rate_limit_error: 429,
  server_error: 500,
  api_connection_error: 502,
};

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object holding `message`/`code`: OpenAI nests it under `error`; vLLM sends it flat with `object: "error"`. */
function errorFields(body: unknown): Fields | undefined {
  if (!isFields(body)) return undefined;
  if (isFields(body['error'])) return body['error'];
  if (typeof body['error'] === 'string') return { message: body['error'] };
  if (body['object'] === 'error') return body;
  return undefined;
}

/**
 * Whether a parsed body (or stream event) is an error rather than a result: OpenAI's
 * `{"error": {...}}`, a bare `{"error": "message"}`, or vLLM's `{"object": "error", ...}`.
 */
export function isErrorBody(body: unknown): boolean {
  return errorFields(body) !== undefined;
}

function statusIn(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(number) && number >= 400 && number <= 599 ? number : undefined;
}

function statusFromFields(fields: Fields): number | undefined {
  const type = fields['type'];
  return statusIn(fields['status']) ?? statusIn(fields['code']) ?? (typeof type === 'string' ? statusByType[type] : undefined);
}

export interface ErrorBodyContext {
  /** The HTTP status of an error response. Absent for an error that came inside a 200 (a stream event). */
  readonly status?: number;
  /** Seconds, from the response's `Retry-After`. */
  readonly retryAfter?: number;
  /** The message when the body has none (e.g. a gateway's HTML page). */
  readonly fallbackMessage: string;
  /** Masked wherever the upstream echoes it. */
  readonly apiKey?: string | undefined;
}

/**
 * The typed error an upstream's error body stands for: `errorFromStatus` with the HTTP status (else
 * the body's own status, numeric code or OpenAI type), the body's message, string `code` and `param`;
 * an `InternalServerError` when nothing tells the status. The API key never appears in the message.
 *
 * @example
 * errorFromErrorBody({ error: { message: 'slow down', code: 'rate_limit_exceeded' } }, { status: 429, retryAfter: 2, fallbackMessage: 'HTTP 429' })
 * // RateLimitError { status: 429, code: 'rate_limit_exceeded', retryAfter: 2 }
 */
export function errorFromErrorBody(body: unknown, context: ErrorBodyContext): RxllmError {
  const fields = errorFields(body) ?? {};
  const rawMessage = typeof fields['message'] === 'string' && fields['message'] !== '' ? fields['message'] : context.fallbackMessage;
  const message = redactSecret(rawMessage, context.apiKey);
  const options: RxllmErrorOptions = {};
  const code = fields['code'];
  // A numeric code (vLLM's 400, LiteLLM's "429") is a status, not one of OpenAI's string codes.
  if (typeof code === 'string' && code !== '' && !/^\d+$/.test(code)) options.code = code;
  if (typeof fields['param'] === 'string') options.param = fields['param'];
  if (context.retryAfter !== undefined) options.retryAfter = context.retryAfter;
  const status = context.status ?? statusFromFields(fields);
  return status === undefined ? new InternalServerError(message, options) : errorFromStatus(status, message, options);
}
