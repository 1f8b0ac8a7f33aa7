import { randomUUID } from 'node:crypto';
import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChatCompletion, ChatCompletionMessage } from '../../protocol/chat.js';
import { decodeUtf8 } from '../decode-utf8.js';
import { converseFinishReason } from './converse-finish-reason.js';
import { converseUsage } from './converse-usage.js';

type Fields = Readonly<Record<string, unknown>>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The assistant message of a Converse answer: text blocks joined, `toolUse` blocks as tool calls. */
function assistantMessage(content: readonly unknown[]): ChatCompletionMessage {
  let text = '';
  let reasoning = '';
  const toolCalls: unknown[] = [];
  for (const block of content) {
    if (!isFields(block)) continue;
    if (typeof block['text'] === 'string') {
      text += block['text'];
    } else if (isFields(block['toolUse'])) {
      const { toolUseId, name, input } = block['toolUse'];
      toolCalls.push({ id: toolUseId, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    } else if (isFields(block['reasoningContent']) && isFields(block['reasoningContent']['reasoningText'])) {
      const thought = block['reasoningContent']['reasoningText']['text'];
      if (typeof thought === 'string') reasoning += thought;
    }
  }
  return {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
    ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
  };
}

/**
 * A whole Converse response body as an OpenAI `ChatCompletion` of `model`: `output.message.content`
 * (text joined, `toolUse` → `tool_calls`, reasoning → `reasoning_content`), `stopReason` →
 * `finish_reason`, `usage` → usage. Throws `APIConnectionError` when the body is not a Converse answer.
 *
 * @example
 * readConverseCompletion(bytes, 'anthropic.claude-3-haiku-20240307-v1:0', Date.now())
 */
export function readConverseCompletion(bytes: Buffer, model: string, nowMs: number): ChatCompletion {
  let body: unknown;
  try {
    body = JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch (cause) {
    throw new APIConnectionError('malformed upstream response: the body is not JSON', { cause });
  }
  const output = isFields(body) ? body['output'] : undefined;
  const message = isFields(output) ? output['message'] : undefined;
  const content = isFields(message) ? message['content'] : undefined;
  if (!isFields(body) || !Array.isArray(content)) {
    throw new APIConnectionError('malformed upstream response: not a Converse answer (no output.message.content)');
  }
  const usage = converseUsage(body['usage']);
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(nowMs / 1000),
    model,
    choices: [{ index: 0, message: assistantMessage(content), finish_reason: converseFinishReason(body['stopReason']), logprobs: null }],
    ...(usage === undefined ? {} : { usage }),
  };
}
