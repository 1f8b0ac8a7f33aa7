import { APIConnectionError } from '../errors/error-classes.js';
import type { ChatCompletion } from '../protocol/chat.js';
import { decodeUtf8 } from './decode-utf8.js';
import { errorFromErrorBody, isErrorBody } from './error-from-error-body.js';
import { rememberUpstreamJson } from './upstream-json.js';

function isCompletion(value: unknown): value is ChatCompletion {
  return typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices);
}

/**
 * Reads a whole 2xx non-streaming body as a `ChatCompletion`. Throws `APIConnectionError` when the
 * body is not JSON or not a completion, and the typed error when it is an error body (`200
 * {"error": ...}`). The bytes are kept with the completion (`upstreamJsonOf`) so that a proxy can
 * send them on as they came.
 *
 * @example
 * const completion = readCompletion(Buffer.concat(parts), deployment.apiKey);
 */
export function readCompletion(bytes: Buffer, apiKey?: string): ChatCompletion {
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch (cause) {
    throw new APIConnectionError('malformed upstream response: the body is not JSON', { cause });
  }
  if (isErrorBody(value)) throw errorFromErrorBody(value, { fallbackMessage: 'the upstream reported an error', apiKey });
  if (!isCompletion(value)) throw new APIConnectionError('malformed upstream response: not a chat.completion');
  // Sent on as they came, unless they start with a BOM (decoding dropped it; a client may not).
  if (bytes[0] !== 0xef) rememberUpstreamJson(value, bytes);
  return value;
}
