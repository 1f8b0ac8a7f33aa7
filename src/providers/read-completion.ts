import type { Readable } from 'node:stream';
import { APIConnectionError } from '../errors/error-classes.js';
import type { ChatCompletion } from '../protocol/chat.js';
import { errorFromErrorBody, isErrorBody } from './error-from-error-body.js';
import { readBodyText } from './read-body-text.js';
import { rememberUpstreamJson } from './upstream-json.js';

function isCompletion(value: unknown): value is ChatCompletion {
  return typeof value === 'object' && value !== null && Array.isArray((value as { choices?: unknown }).choices);
}

/**
 * Reads a 2xx non-streaming body as a `ChatCompletion`. Rejects with `APIConnectionError` when the
 * body is not JSON or not a completion, with the typed error when it is an error body (`200
 * {"error": ...}`), and with the stream's own error when the connection fails half-way.
 *
 * @example
 * const completion = await readCompletion(response.body, deployment.apiKey);
 */
export async function readCompletion(body: Readable, apiKey?: string): Promise<ChatCompletion> {
  const { text, bytes } = await readBodyText(body);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (cause) {
    throw new APIConnectionError('malformed upstream response: the body is not JSON', { cause });
  }
  if (isErrorBody(value)) throw errorFromErrorBody(value, { fallbackMessage: 'the upstream reported an error', apiKey });
  if (!isCompletion(value)) throw new APIConnectionError('malformed upstream response: not a chat.completion');
  // Sent on as they came, unless they start with a BOM (decoding dropped it; a client may not).
  if (bytes[0] !== 0xef) rememberUpstreamJson(value, bytes);
  return value;
}
