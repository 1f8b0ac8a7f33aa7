/**
 * Turns what a client received from the proxy into exactly one outcome class. Pure: the soak's
 * client and the spec's hand-made cases go through the same code.
 */
import type { SoakEndpoint } from './formats/soak-wire-format.js';
import { checkTokens } from './tokens.js';

export const outcomeClasses = [
  /** A whole JSON completion: one response's tokens, all of them, in order; or embeddings, one well-formed vector per input. */
  'ok-json',
  /** A whole stream: `[DONE]` seen, one response's tokens, all of them, in order. */
  'ok-stream',
  /** An HTTP error status with an OpenAI error body. */
  'error-status',
  /** A stream that failed after its first chunk: an ordered prefix, then one `data: {"error":...}` event. */
  'stream-error',
  /** The client hung up on purpose (what it got until then was in order). */
  'client-aborted',
  // Broken promises; each must stay 0.
  /** A stream that ended without `[DONE]` and without an error event. */
  'truncated',
  /** A token repeated, out of order, or from a second upstream response. */
  'duplicate',
  /** A token missing, or a "whole" answer short of tokens. */
  'gap',
  /** Anything else that is not the OpenAI wire format (bad JSON, events after the end, a malformed embeddings list, ...). */
  'broken',
  /** No answer at all within the client's watchdog. */
  'lost',
] as const;

export type OutcomeClass = (typeof outcomeClasses)[number];

/** The classes that mean a promise was broken. */
export const brokenClasses: readonly OutcomeClass[] = ['truncated', 'duplicate', 'gap', 'broken', 'lost'];

export interface Classified {
  readonly class: OutcomeClass;
  /** For errors, `<status> <code>` or the stream error's code; for broken classes, why. */
  readonly detail: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `error` of an OpenAI error body, when `value` is one. */
function openAIError(value: unknown): { code: string } | undefined {
  if (!isObject(value) || !isObject(value['error'])) return undefined;
  const { message, type, code } = value['error'];
  if (typeof message !== 'string' || typeof type !== 'string' || !('param' in value['error'])) return undefined;
  return { code: code === null || code === undefined ? type : String(code) };
}

/** A response whose status is not 200 (streaming or not). */
export function classifyErrorStatus(status: number, body: string): Classified {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { class: 'broken', detail: `status ${status} with a body that is not JSON` };
  }
  const error = openAIError(parsed);
  if (error === undefined) return { class: 'broken', detail: `status ${status} without an OpenAI error body` };
  return { class: 'error-status', detail: `${status} ${error.code}` };
}

/** The text of a completion's first choice: `message.content` (chat) or `text` (text completion). */
function choiceText(parsed: unknown, endpoint: SoakEndpoint, field: 'message' | 'delta'): unknown {
  const choices = isObject(parsed) ? parsed['choices'] : undefined;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isObject(first)) return undefined;
  if (endpoint === 'completion') return first['text'];
  const message = first[field];
  return isObject(message) ? message['content'] : undefined;
}

/** The object a 200 of `endpoint` must be. */
const objectOf: Readonly<Record<Exclude<SoakEndpoint, 'embedding'>, { json: string; chunk: string }>> = {
  chat: { json: 'chat.completion', chunk: 'chat.completion.chunk' },
  completion: { json: 'text_completion', chunk: 'text_completion' },
};

/** A 200 to a non-streaming chat or text-completion request. */
export function classifyCompletion(body: string, endpoint: Exclude<SoakEndpoint, 'embedding'> = 'chat'): Classified {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { class: 'broken', detail: 'a 200 completion that is not JSON' };
  }
  const expected = objectOf[endpoint].json;
  if (isObject(parsed) && 'object' in parsed && parsed['object'] !== expected) return { class: 'broken', detail: `a 200 ${String(parsed['object'])}, not a ${expected}` };
  const content = choiceText(parsed, endpoint, 'message');
  if (typeof content !== 'string') return { class: 'broken', detail: `a 200 completion without choices[0].${endpoint === 'chat' ? 'message.content' : 'text'}` };
  const tokens = checkTokens(content);
  if (tokens.kind === 'duplicate') return { class: 'duplicate', detail: tokens.why };
  if (tokens.kind === 'gap') return { class: 'gap', detail: tokens.why };
  if (tokens.kind === 'garbled') return { class: 'broken', detail: tokens.why };
  if (!tokens.complete) return { class: 'gap', detail: `a completion of ${tokens.count} tokens, short of its total` };
  return { class: 'ok-json', detail: 'ok' };
}

/** A 200 to an embeddings request of `inputs` inputs: a list with one vector per input, in order. */
export function classifyEmbedding(body: string, inputs: number): Classified {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { class: 'broken', detail: 'a 200 embeddings answer that is not JSON' };
  }
  const data = isObject(parsed) && parsed['object'] === 'list' ? parsed['data'] : undefined;
  if (!Array.isArray(data)) return { class: 'broken', detail: 'a 200 embeddings answer that is not a list' };
  if (data.length !== inputs) return { class: data.length < inputs ? 'gap' : 'duplicate', detail: `${data.length} embeddings for ${inputs} inputs` };
  for (const [index, item] of data.entries()) {
    const vector = isObject(item) ? item['embedding'] : undefined;
    const wellFormed = Array.isArray(vector) ? vector.length > 0 && vector.every((x) => typeof x === 'number' && Number.isFinite(x)) : typeof vector === 'string' && vector !== '';
    if (!isObject(item) || item['object'] !== 'embedding' || item['index'] !== index || !wellFormed) {
      return { class: 'broken', detail: `embedding ${index} is not a well-formed { object, index, embedding }` };
    }
  }
  return { class: 'ok-json', detail: 'ok' };
}

/** How a streamed body stopped, as the client saw it. */
export type StreamEnd =
  /** The body ended normally (the proxy closed the response). */
  | 'end'
  /** Reading failed (the connection dropped) without the client asking. */
  | 'error'
  /** The client aborted. */
  | 'aborted';

/**
 * A 200 to a streaming request: the `data:` payloads in order (`[DONE]` as the string), and how the
 * body stopped.
 */
export function classifyStream(events: readonly string[], end: StreamEnd, endpoint: Exclude<SoakEndpoint, 'embedding'> = 'chat'): Classified {
  let content = '';
  let finished: 'done' | 'error' | undefined;
  let errorCode = '';
  for (const data of events) {
    if (finished !== undefined) return { class: 'broken', detail: `an event after the stream's ${finished === 'done' ? '[DONE]' : 'error event'}` };
    if (data === '[DONE]') {
      finished = 'done';
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return { class: 'broken', detail: 'an SSE event that is not JSON' };
    }
    if (isObject(parsed) && 'error' in parsed) {
      const error = openAIError(parsed);
      if (error === undefined) return { class: 'broken', detail: 'an error event without an OpenAI error body' };
      finished = 'error';
      errorCode = error.code;
      continue;
    }
    const choices = isObject(parsed) ? parsed['choices'] : undefined;
    if (!Array.isArray(choices)) return { class: 'broken', detail: 'a chunk without choices' };
    const expected = objectOf[endpoint].chunk;
    // Azure's prompt_filter_results chunk (`object: ""`, no choices) passes through: only chunks with choices name their kind.
    if (choices.length > 0 && isObject(parsed) && 'object' in parsed && parsed['object'] !== expected) {
      return { class: 'broken', detail: `a ${String(parsed['object'])} chunk, not a ${expected}` };
    }
    const piece = choiceText(parsed, endpoint, 'delta');
    if (typeof piece === 'string') content += piece;
  }
  const tokens = checkTokens(content);
  if (tokens.kind === 'duplicate') return { class: 'duplicate', detail: tokens.why };
  if (tokens.kind === 'gap') return { class: 'gap', detail: tokens.why };
  if (tokens.kind === 'garbled') return { class: 'broken', detail: tokens.why };
  if (end === 'aborted' && finished === undefined) return { class: 'client-aborted', detail: 'after headers' };
  if (finished === 'error') return { class: 'stream-error', detail: errorCode };
  if (finished === 'done') {
    if (!tokens.complete) return { class: 'gap', detail: `[DONE] after ${tokens.count} tokens, short of the total` };
    return { class: 'ok-stream', detail: 'ok' };
  }
  return { class: 'truncated', detail: end === 'error' ? 'the connection dropped mid-stream' : 'ended without [DONE] or an error event' };
}

/** Splits SSE text into `data:` payloads as it arrives; keeps an unfinished event for the next piece. */
export class SseSplitter {
  private rest = '';

  /** The payloads completed by `text`. */
  push(text: string): string[] {
    this.rest += text;
    const events: string[] = [];
    let end = this.rest.indexOf('\n\n');
    while (end !== -1) {
      const event = this.rest.slice(0, end);
      this.rest = this.rest.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data !== '') events.push(data);
      end = this.rest.indexOf('\n\n');
    }
    return events;
  }

  /** Bytes of an event that never ended. */
  get pending(): number {
    return this.rest.length;
  }
}
