import { APIConnectionError } from '../errors/error-classes.js';
import type { ChatCompletion } from '../protocol/chat.js';
import type { CallKindName, CallOutput } from '../router/call-kind.js';
import { decodeUtf8 } from './decode-utf8.js';
import { errorFromErrorBody, isErrorBody } from './error-from-error-body.js';
import { rememberUpstreamJson } from './upstream-json.js';

/** The list a whole answer of each kind must carry: `choices` (chat, text completion) or `data` (embeddings). */
function isAnswer(value: unknown, kind: CallKindName): value is CallOutput {
  if (typeof value !== 'object' || value === null) return false;
  return Array.isArray(kind === 'embedding' ? (value as { data?: unknown }).data : (value as { choices?: unknown }).choices);
}

const answerNames: Readonly<Record<CallKindName, string>> = {
  chat: 'a chat.completion',
  text_completion: 'a text_completion',
  embedding: 'a list of embeddings',
};

/**
 * Reads a whole 2xx non-streaming body as a `ChatCompletion`. Throws `APIConnectionError` when the
 * body is not JSON or not a completion, and the typed error when it is an error body (`200
 * {"error": ...}`). The bytes are kept with the completion (`upstreamJsonOf`) so that a proxy can
 * send them on as they came.
 *
 * @example
 * const completion = readCompletion(Buffer.concat(parts), deployment.apiKey);
 */
export function readCompletion(bytes: Buffer, apiKey?: string): ChatCompletion;
export function readCompletion(bytes: Buffer, apiKey: string | undefined, kind: CallKindName): CallOutput;
export function readCompletion(bytes: Buffer, apiKey?: string, kind: CallKindName = 'chat'): CallOutput {
  let value: unknown;
  try {
    value = JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch (cause) {
    throw new APIConnectionError('malformed upstream response: the body is not JSON', { cause });
  }
  if (isErrorBody(value)) throw errorFromErrorBody(value, { fallbackMessage: 'the upstream reported an error', apiKey });
  if (!isAnswer(value, kind)) throw new APIConnectionError(`malformed upstream response: not ${answerNames[kind]}`);
  // Sent on as they came, unless they start with a BOM (decoding dropped it; a client may not).
  if (bytes[0] !== 0xef) rememberUpstreamJson(value, bytes);
  return value;
}
