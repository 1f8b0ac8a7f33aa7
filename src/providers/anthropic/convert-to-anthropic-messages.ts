import { BadRequestError } from '../../errors/error-classes.js';
import type {
  AnthropicContentBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
  AnthropicToolUseBlock,
} from './anthropic-types.js';
import { isRecord, unsupportedParam } from './unsupported-param.js';

export interface AnthropicPrompt {
  /** The system and developer messages, in order; absent when there are none. */
  readonly system?: string | AnthropicTextBlock[];
  readonly messages: AnthropicMessage[];
}

/** A message's text as text blocks: a string, or OpenAI's content parts of type `text`. */
function textBlocks(content: unknown, at: string, dropParams: boolean): AnthropicTextBlock[] {
  if (content === undefined || content === null) return [];
  // Anthropic refuses empty text blocks ("text content blocks must be non-empty").
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw new BadRequestError(`${at} must be a string or a list of content parts`, { param: at });
  const blocks: AnthropicTextBlock[] = [];
  content.forEach((part: unknown, index) => {
    const type = isRecord(part) ? part['type'] : undefined;
    if (type === 'text' && isRecord(part) && typeof part['text'] === 'string') {
      if (part['text'] !== '') blocks.push({ type: 'text', text: part['text'] });
    } else if (!dropParams) {
      throw unsupportedParam(`${at}[${index}].type`, `a content part of type ${JSON.stringify(type ?? null)}`);
    }
  });
  return blocks;
}

/** OpenAI's `arguments` is a JSON string; Anthropic's `input` is the object itself. */
function toolInput(call: Readonly<Record<string, unknown>>, at: string): unknown {
  const fn = isRecord(call['function']) ? call['function'] : {};
  const args = fn['arguments'];
  if (args === undefined || args === null || args === '') return {};
  if (typeof args !== 'string') throw new BadRequestError(`${at}.function.arguments must be a JSON string`, { param: `${at}.function.arguments` });
  let input: unknown;
  try {
    input = JSON.parse(args) as unknown;
  } catch {
    throw new BadRequestError(`${at}.function.arguments is not valid JSON`, { param: `${at}.function.arguments` });
  }
  if (!isRecord(input)) throw new BadRequestError(`${at}.function.arguments must be a JSON object`, { param: `${at}.function.arguments` });
  return input;
}

function toolUseBlocks(toolCalls: unknown, at: string): AnthropicToolUseBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw new BadRequestError(`${at} must be a list`, { param: at });
  return toolCalls.map((call: unknown, index): AnthropicToolUseBlock => {
    const callAt = `${at}[${index}]`;
    if (!isRecord(call)) throw new BadRequestError(`${callAt} must be an object`, { param: callAt });
    const fn = isRecord(call['function']) ? call['function'] : {};
    if (typeof call['id'] !== 'string' || call['id'] === '') throw new BadRequestError(`${callAt}.id is required`, { param: `${callAt}.id` });
    if (typeof fn['name'] !== 'string' || fn['name'] === '') {
      throw new BadRequestError(`${callAt}.function.name is required`, { param: `${callAt}.function.name` });
    }
    return { type: 'tool_use', id: call['id'], name: fn['name'], input: toolInput(call, callAt) };
  });
}

/** Anthropic requires user and assistant turns to alternate: a turn of the same role as the last joins it. */
function append(messages: AnthropicMessage[], role: AnthropicMessage['role'], blocks: AnthropicContentBlock[]): void {
  if (blocks.length === 0) return;
  const previous = messages[messages.length - 1];
  if (previous?.role === role) (previous.content as AnthropicContentBlock[]).push(...blocks);
  else messages.push({ role, content: blocks });
}

/** A turn of one text block is sent as a plain string, the form Anthropic's own examples use. */
function compact(message: AnthropicMessage): AnthropicMessage {
  const [only, ...rest] = message.content as AnthropicContentBlock[];
  return rest.length === 0 && only?.type === 'text' ? { role: message.role, content: only.text } : message;
}

/**
 * OpenAI chat `messages` as Anthropic's prompt: system and developer messages become the top-level
 * `system`; user and assistant messages become turns (a string, or text blocks); an assistant's
 * `tool_calls` become `tool_use` blocks (`input` parsed from the arguments JSON); `role: 'tool'`
 * messages become `tool_result` blocks of a user turn. Consecutive turns of one role are merged, as
 * Anthropic requires alternation; empty turns are left out. A part or role Anthropic cannot take is
 * a `BadRequestError` naming it, or dropped with `dropParams`.
 *
 * @example
 * convertToAnthropicMessages([{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }])
 * // { system: 'Be brief', messages: [{ role: 'user', content: 'Hi' }] }
 */
export function convertToAnthropicMessages(messages: unknown, dropParams = false): AnthropicPrompt {
  if (!Array.isArray(messages)) throw new BadRequestError('messages must be a list', { param: 'messages' });
  const system: AnthropicTextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  messages.forEach((message: unknown, index) => {
    const at = `messages[${index}]`;
    if (!isRecord(message)) throw new BadRequestError(`${at} must be an object`, { param: at });
    const role = message['role'];
    switch (role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message['content'], `${at}.content`, dropParams));
        return;
      case 'user':
        append(turns, 'user', textBlocks(message['content'], `${at}.content`, dropParams));
        return;
      case 'assistant':
        append(turns, 'assistant', [
          ...textBlocks(message['content'], `${at}.content`, dropParams),
          ...toolUseBlocks(message['tool_calls'], `${at}.tool_calls`),
        ]);
        return;
      case 'tool': {
        const id = message['tool_call_id'];
        if (typeof id !== 'string' || id === '') throw new BadRequestError(`${at}.tool_call_id is required`, { param: `${at}.tool_call_id` });
        const content = textBlocks(message['content'], `${at}.content`, dropParams);
        const [only, ...rest] = content;
        const result: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: id };
        // A tool that returned nothing: Anthropic takes a result without content, not an empty one.
        if (only !== undefined) result.content = rest.length === 0 ? only.text : content;
        append(turns, 'user', [result]);
        return;
      }
      default:
        if (dropParams) return;
        throw unsupportedParam(`${at}.role`, `a message with role ${JSON.stringify(role ?? null)}`);
    }
  });
  const prompt: AnthropicPrompt = { messages: turns.map(compact) };
  if (system.length === 0) return prompt;
  const [only, ...rest] = system;
  return { ...prompt, system: rest.length === 0 && only !== undefined ? only.text : system };
}
