import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import { errorFromErrorBody, isErrorBody } from './error-from-error-body.js';

/**
 * The error for a 2xx JSON body (`text`, its first 64 KiB) where an event stream was asked for. Some
 * gateways report errors as `200 {"error": {...}}`, which becomes its typed error; anything else (a
 * server that ignored `stream: true`) is an `APIConnectionError`, never a stream that silently has
 * no chunks.
 *
 * @example
 * unexpectedBodyError('{"error":{"message":"overloaded"}}', 'application/json')
 */
export function unexpectedBodyError(text: string, contentType: string, apiKey?: string): RxllmError {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    value = undefined;
  }
  if (isErrorBody(value)) return errorFromErrorBody(value, { fallbackMessage: 'the upstream reported an error', apiKey });
  return new APIConnectionError(`asked the upstream for an event stream, it answered ${contentType}`);
}
