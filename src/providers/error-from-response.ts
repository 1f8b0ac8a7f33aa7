import type { Readable } from 'node:stream';
import type { RxllmError } from '../errors/rxllm-error.js';
import { errorFromErrorBody } from './error-from-error-body.js';
import type { ResponseHeaders } from './header-value.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { readBodyText, type BodyText } from './read-body-text.js';

/** An error body is a short JSON object; reading more would only let a broken upstream hold us up. */
export const errorBodyLimitBytes = 64 * 1024;

const quotedBodyChars = 300;

export interface ErrorResponse {
  readonly statusCode: number;
  readonly headers: ResponseHeaders;
  readonly body: Readable;
}

/**
 * The typed error for an upstream's error response (status outside 2xx): `errorFromStatus` with the
 * status, the message/code/param of OpenAI's `{"error": {...}}` body when there is one (else the
 * start of the body), and `retryAfter` from `retry-after-ms` / `retry-after` relative to `nowMs`.
 * Reads at most 64 KiB; a body that fails half-way still gives the status's error.
 *
 * @example
 * if (response.statusCode >= 400) throw await errorFromResponse(response, Date.now(), deployment.apiKey);
 */
export async function errorFromResponse(response: ErrorResponse, nowMs: number, apiKey?: string): Promise<RxllmError> {
  const retryAfter = parseRetryAfter(response.headers, nowMs);
  const { text } = await readBodyText(response.body, errorBodyLimitBytes).catch((): BodyText => ({ text: '', bytes: Buffer.alloc(0), truncated: true }));
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  const quoted = text.trim().slice(0, quotedBodyChars);
  const fallbackMessage = `upstream answered HTTP ${response.statusCode}${quoted === '' ? '' : `: ${quoted}`}`;
  return errorFromErrorBody(body, {
    status: response.statusCode,
    fallbackMessage,
    apiKey,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });
}
