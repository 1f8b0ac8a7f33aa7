import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChatCompletion, ChatCompletionMessage } from '../../protocol/chat.js';
import { decodeUtf8 } from '../decode-utf8.js';
import { anthropicError, anthropicErrorFields } from './anthropic-error.js';
import type { AnthropicResponse } from './anthropic-types.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { isRecord } from './unsupported-param.js';

/** An OpenAI tool call for a `tool_use` block: `arguments` is the input as a JSON string. */
export function toolCallOf(block: Readonly<Record<string, unknown>>): unknown {
  return {
    id: typeof block['id'] === 'string' ? block['id'] : '',
    type: 'function',
    function: { name: typeof block['name'] === 'string' ? block['name'] : '', arguments: JSON.stringify(block['input'] ?? {}) },
  };
}

/**
 * An Anthropic message (`{"type": "message", ...}`) as an OpenAI chat completion: its text blocks
 * joined as `message.content` (null when there are none), its `tool_use` blocks as `tool_calls`,
 * `stop_reason` as `finish_reason`, its usage converted; `id` and `model` are Anthropic's, `created`
 * is `createdSeconds` (Anthropic sends no timestamp).
 *
 * @example
 * toChatCompletion({ id: 'msg_1', type: 'message', model: 'claude-sonnet-4', content: [{ type: 'text', text: 'Hi' }],
 *   stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 2 } }, 'claude-sonnet-4', 1731400000)
 */
export function toChatCompletion(response: AnthropicResponse, model: string, createdSeconds: number): ChatCompletion {
  const texts: string[] = [];
  const toolCalls: unknown[] = [];
  for (const block of response.content ?? []) {
    if (!isRecord(block)) continue;
    if (block['type'] === 'text' && typeof block['text'] === 'string') texts.push(block['text']);
    else if (block['type'] === 'tool_use') toolCalls.push(toolCallOf(block));
    // Other blocks (thinking, server tools' results) have no place in an OpenAI message.
  }
  const message: ChatCompletionMessage = { role: 'assistant', content: texts.length === 0 ? null : texts.join('') };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const completion: ChatCompletion = {
    id: typeof response.id === 'string' ? response.id : 'msg_unknown',
    object: 'chat.completion',
    created: createdSeconds,
    model: typeof response.model === 'string' && response.model !== '' ? response.model : model,
    choices: [{ index: 0, message, finish_reason: mapAnthropicStopReason(response.stop_reason), logprobs: null }],
  };
  const usage = convertAnthropicUsage(response.usage);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}

/**
 * Reads a whole 2xx Messages body as a chat completion. Throws the typed error when it is an error
 * body, and `APIConnectionError` when it is not JSON or not a message.
 */
export function readAnthropicCompletion(bytes: Buffer, model: string, nowMs: number, apiKey?: string): ChatCompletion {
  let body: unknown;
  try {
    body = JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch (cause) {
    throw new APIConnectionError('malformed upstream response: the body is not JSON', { cause });
  }
  const error = anthropicErrorFields(body);
  if (error !== undefined) throw anthropicError(error, { apiKey });
  if (!isRecord(body) || body['type'] !== 'message' || !Array.isArray(body['content'])) {
    throw new APIConnectionError('malformed upstream response: not an Anthropic message');
  }
  return toChatCompletion(body as AnthropicResponse, model, Math.floor(nowMs / 1000));
}
