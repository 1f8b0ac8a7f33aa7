import type { RxllmError } from '../errors/rxllm-error.js';
import { errorFromErrorBody } from './error-from-error-body.js';
import type { ResponseHeaders } from './header-value.js';
import { parseRetryAfter } from './parse-retry-after.js';

/** An error body is a short JSON object; reading more would only let a broken upstream hold us up. */
export const errorBodyLimitBytes = 64 * 1024;

const quotedBodyChars = 300;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The typed error for an upstream's error response (status outside 2xx): `errorFromStatus` with the
 * status, the message/code/param of OpenAI's `{"error": {...}}` body when there is one (else the
 * start of the body), and `retryAfter` from `retry-after-ms` / `retry-after` relative to `nowMs`.
 * `text` is what could be read of the body: at most 64 KiB, '' when it failed half-way.
 *
 * @example
 * errorFromResponse(429, { 'retry-after': '2' }, '{"error":{"message":"slow down"}}', Date.now())
 */
export function errorFromResponse(statusCode: number, headers: ResponseHeaders, text: string, nowMs: number, apiKey?: string): RxllmError {
  const retryAfter = parseRetryAfter(headers, nowMs);
  const quoted = text.trim().slice(0, quotedBodyChars);
  const fallbackMessage = `upstream answered HTTP ${statusCode}${quoted === '' ? '' : `: ${quoted}`}`;
  return errorFromErrorBody(parseJson(text), {
    status: statusCode,
    fallbackMessage,
    apiKey,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}
