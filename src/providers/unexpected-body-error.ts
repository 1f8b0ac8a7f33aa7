import type { Readable } from 'node:stream';
import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import { errorFromErrorBody, isErrorBody } from './error-from-error-body.js';
import { errorBodyLimitBytes } from './error-from-response.js';
import { readBodyText } from './read-body-text.js';

/**
 * The error for a 2xx JSON body where an event stream was asked for. Some gateways report errors
 * as `200 {"error": {...}}`, which becomes its typed error; anything else (a server that ignored
 * `stream: true`) is an `APIConnectionError`, never a stream that silently has no chunks.
 *
 * @example
 * if (request.stream && contentType.includes('application/json')) throw await unexpectedBodyError(body, contentType);
 */
export async function unexpectedBodyError(body: Readable, contentType: string, apiKey?: string): Promise<RxllmError> {
  const { text } = await readBodyText(body, errorBodyLimitBytes);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    value = undefined;
  }
  if (isErrorBody(value)) return errorFromErrorBody(value, { fallbackMessage: 'the upstream reported an error', apiKey });
  return new APIConnectionError(`asked the upstream for an event stream, it answered ${contentType}`);
}
