import { AuthenticationError, ContextWindowExceededError, InternalServerError } from '../../errors/error-classes.js';
import { errorFromStatus } from '../../errors/error-from-status.js';
import type { RxllmError, RxllmErrorOptions } from '../../errors/rxllm-error.js';
import { decodeUtf8 } from '../decode-utf8.js';
import type { ResponseHeaders } from '../header-value.js';
import { parseRetryAfter } from '../parse-retry-after.js';
import { redactSecret } from '../redact-secret.js';

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Gemini's `{"error": {code, message, status, details}}` (google.rpc.Status), if `body` is one. */
export function geminiErrorFields(body: unknown): Fields | undefined {
  return isFields(body) && isFields(body['error']) ? body['error'] : undefined;
}

function details(fields: Fields, type: string): Fields | undefined {
  const list = fields['details'];
  if (!Array.isArray(list)) return undefined;
  return list.find((detail: unknown): detail is Fields => isFields(detail) && detail['@type'] === type);
}

/** A protobuf Duration in its JSON form ("17s", "0.5s"), in seconds. */
export function parseGeminiDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function statusOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599 ? value : undefined;
}

// Gemini's words when the prompt does not fit ("The input token count (1200000) exceeds the maximum
// number of tokens allowed (1048576)."); errorFromStatus's own patterns do not match them.
const tooLong = /input token count.*exceeds the maximum/i;

export interface GeminiErrorContext {
  /** The HTTP status; absent for an error event inside a 200 stream (the body's `code` then tells). */
  readonly status?: number;
  /** Seconds, from a `Retry-After` header, which wins over the body's RetryInfo. */
  readonly retryAfter?: number;
  readonly fallbackMessage: string;
  readonly apiKey?: string | undefined;
}

/**
 * The typed error a Gemini error body stands for: by HTTP status (else the body's numeric `code`),
 * as `errorFromStatus` maps them (429 RESOURCE_EXHAUSTED → RateLimitError, 400 INVALID_ARGUMENT →
 * BadRequestError, 403, 404, 500 INTERNAL, 503 UNAVAILABLE), with `retryAfter` from
 * `RetryInfo.retryDelay`. A 400 for a bad key (ErrorInfo `API_KEY_INVALID`) is an
 * `AuthenticationError`; a prompt over the model's limit a `ContextWindowExceededError`.
 * The key never appears in the message.
 *
 * @example
 * geminiError({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded',
 *   details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17s' }] } }, { status: 429, fallbackMessage: '' })
 * // RateLimitError { status: 429, retryAfter: 17 }
 */
export function geminiError(body: unknown, context: GeminiErrorContext): RxllmError {
  const fields = geminiErrorFields(body) ?? {};
  const raw = typeof fields['message'] === 'string' && fields['message'] !== '' ? fields['message'] : context.fallbackMessage;
  const message = redactSecret(raw, context.apiKey);
  const options: RxllmErrorOptions = {};
  const retryAfter = context.retryAfter ?? parseGeminiDuration(details(fields, 'type.googleapis.com/google.rpc.RetryInfo')?.['retryDelay']);
  if (retryAfter !== undefined) options.retryAfter = retryAfter;
  const status = context.status ?? statusOf(fields['code']);
  if (status === undefined) return new InternalServerError(message, options);
  if (status === 400 && details(fields, 'type.googleapis.com/google.rpc.ErrorInfo')?.['reason'] === 'API_KEY_INVALID') {
    return new AuthenticationError(message, { ...options, status: 401 });
  }
  if (status === 400 && tooLong.test(message)) return new ContextWindowExceededError(message, { ...options, status });
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
 * The typed error for a Gemini error response (status outside 2xx; `text` is the start of its body,
 * '' when it could not be read): `geminiError` with the status and any `Retry-After` header.
 */
export function geminiErrorFromResponse(status: number, headers: ResponseHeaders, text: string, nowMs: number, apiKey?: string): RxllmError {
  const retryAfter = parseRetryAfter(headers, nowMs);
  const quoted = redactSecret(text.trim().slice(0, 300), apiKey);
  return geminiError(parseJson(text), {
    status,
    fallbackMessage: `upstream answered HTTP ${status}${quoted === '' ? '' : `: ${quoted}`}`,
    apiKey,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}

/** A Gemini body read whole, as JSON; `undefined` when it is not JSON. */
export function parseGeminiBody(bytes: Buffer): unknown {
  return parseJson(decodeUtf8(bytes));
}
