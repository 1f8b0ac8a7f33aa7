import type { EventSourceMessage } from 'eventsource-parser';
import { APIConnectionError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../protocol/chat.js';
import { errorFromErrorBody, isErrorBody } from './error-from-error-body.js';
import { rememberUpstreamJson } from './upstream-json.js';

/** What one SSE event of a chat-completions stream means. */
export type StreamEvent =
  | { readonly kind: 'chunk'; readonly chunk: ChatCompletionChunk }
  | { readonly kind: 'done' }
  /** An empty `data:` event; some servers send them as keep-alives. */
  | { readonly kind: 'ignore' }
  | { readonly kind: 'error'; readonly error: RxllmError };

function parse(data: string): { ok: true; value: unknown } | { ok: false; cause: unknown } {
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch (cause) {
    return { ok: false, cause };
  }
}

/**
 * Reads one SSE event of an OpenAI chat-completions stream: `[DONE]`, a chunk, or an error event
 * (`data: {"error": {...}}`, or `event: error`) as its typed error. Data that is not JSON, or JSON
 * that is not a chunk, is an `APIConnectionError`: the upstream sent something unreadable.
 *
 * @example
 * readStreamEvent({ data: '[DONE]' }) // { kind: 'done' }
 */
export function readStreamEvent(event: EventSourceMessage, apiKey?: string): StreamEvent {
  const data = event.data.trim();
  if (data === '[DONE]') return { kind: 'done' };
  if (data === '') return { kind: 'ignore' };
  const parsed = parse(data);
  if (!parsed.ok) {
    return { kind: 'error', error: new APIConnectionError('malformed event in the upstream stream: data is not JSON', { cause: parsed.cause }) };
  }
  const value = parsed.value;
  if (event.event === 'error' || isErrorBody(value)) {
    return { kind: 'error', error: errorFromErrorBody(value, { fallbackMessage: 'the upstream stream reported an error', apiKey }) };
  }
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { choices?: unknown }).choices)) {
    return { kind: 'error', error: new APIConnectionError('malformed event in the upstream stream: not a chat.completion.chunk') };
  }
  // Kept to be sent on as it came, unless it spans lines (a multi-line `data:`): as one `data:` line it would break the framing.
  if (data.indexOf('\n') === -1) rememberUpstreamJson(value, data);
  return { kind: 'chunk', chunk: value as ChatCompletionChunk };
}
