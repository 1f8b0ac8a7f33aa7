import { BadRequestError } from '../../errors/error-classes.js';

/** A Converse content block, as the API's JSON has it (`{text}`, `{image}`, `{toolUse}`, `{toolResult}`). */
export type ConverseContentBlock = Readonly<Record<string, unknown>>;

export interface ConverseMessage {
  readonly role: 'user' | 'assistant';
  readonly content: ConverseContentBlock[];
}

/** What Converse takes for a conversation: the system prompt apart, the turns alternating. */
export interface ConverseConversation {
  readonly system: { readonly text: string }[];
  readonly messages: ConverseMessage[];
}

type Fields = Readonly<Record<string, unknown>>;

const imageFormats: ReadonlySet<string> = new Set(['png', 'jpeg', 'gif', 'webp']);

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): BadRequestError {
  return new BadRequestError(`${param}: ${message}`, { param, code: 'invalid_request' });
}

/** Converse takes an image's bytes, never a URL it would fetch: only `data:` URLs can be sent. */
function imageBlock(part: Fields, param: string): ConverseContentBlock {
  const imageUrl = part['image_url'];
  const url = typeof imageUrl === 'string' ? imageUrl : isFields(imageUrl) ? imageUrl['url'] : undefined;
  const data = typeof url === 'string' ? /^data:image\/([a-z]+);base64,(.+)$/is.exec(url) : null;
  const format = data?.[1]?.toLowerCase().replace('jpg', 'jpeg');
  if (data?.[2] === undefined || format === undefined || !imageFormats.has(format)) {
    throw invalid(`${param}.image_url`, 'bedrock/ takes images as data:image/(png|jpeg|gif|webp);base64 URLs only');
  }
  // The REST API carries blob members as base64 text: the data URL's payload goes as it is.
  return { image: { format, source: { bytes: data[2] } } };
}

/** A message's `content` (a string, or a list of text / image parts) as Converse blocks; empty text is left out. */
function contentBlocks(content: unknown, param: string, images: boolean): ConverseContentBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw invalid(param, 'expected a string or a list of content parts');
  const blocks: ConverseContentBlock[] = [];
  content.forEach((part: unknown, index) => {
    const partParam = `${param}[${index}]`;
    if (!isFields(part)) throw invalid(partParam, 'expected a content part object');
    if (part['type'] === 'text' && typeof part['text'] === 'string') {
      if (part['text'] !== '') blocks.push({ text: part['text'] });
    } else if (part['type'] === 'image_url' && images) {
      blocks.push(imageBlock(part, partParam));
    } else {
      throw invalid(`${partParam}.type`, `content part "${String(part['type'])}" is not supported here by bedrock/`);
    }
  });
  return blocks;
}

function toolUseBlocks(toolCalls: unknown, param: string): ConverseContentBlock[] {
  if (toolCalls === undefined || toolCalls === null) return [];
  if (!Array.isArray(toolCalls)) throw invalid(param, 'expected a list of tool calls');
  return toolCalls.map((call: unknown, index) => {
    const callParam = `${param}[${index}]`;
    const fn = isFields(call) ? call['function'] : undefined;
    if (!isFields(call) || typeof call['id'] !== 'string' || !isFields(fn) || typeof fn['name'] !== 'string') {
      throw invalid(callParam, 'expected { id, type: "function", function: { name, arguments } }');
    }
    let input: unknown = {};
    const args = fn['arguments'];
    if (typeof args === 'string' && args.trim() !== '') {
      try {
        input = JSON.parse(args) as unknown;
      } catch {
        throw invalid(`${callParam}.function.arguments`, 'expected a JSON object (Converse sends tool input as JSON)');
      }
    }
    if (!isFields(input)) throw invalid(`${callParam}.function.arguments`, 'expected a JSON object');
    return { toolUse: { toolUseId: call['id'], name: fn['name'], input } };
  });
}

/** A tool message's result: Converse wants its content as blocks of text. */
function toolResultBlock(message: Fields, param: string): ConverseContentBlock {
  const toolUseId = message['tool_call_id'];
  if (typeof toolUseId !== 'string' || toolUseId === '') throw invalid(`${param}.tool_call_id`, 'expected the id of the tool call answered');
  const content = contentBlocks(message['content'], `${param}.content`, false);
  return { toolResult: { toolUseId, content: content.length === 0 ? [{ text: '' }] : content } };
}

/**
 * OpenAI's `messages` as a Converse conversation: system (and developer) messages become `system`
 * text blocks; user and assistant turns become `messages` with content blocks (assistant `tool_calls`
 * as `toolUse`, `tool` messages as the user's `toolResult` blocks). Consecutive turns of one role are
 * merged into one message, as Converse wants them alternating. Throws a `BadRequestError` naming the
 * field it cannot translate (`messages[2].content[0].type`).
 *
 * @example
 * converseMessages([{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }])
 * // { system: [{ text: 'Be brief' }], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }
 */
export function converseMessages(messages: readonly unknown[]): ConverseConversation {
  const system: { text: string }[] = [];
  const turns: ConverseMessage[] = [];
  const add = (role: 'user' | 'assistant', blocks: ConverseContentBlock[]): void => {
    if (blocks.length === 0) return;
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  messages.forEach((message: unknown, index) => {
    const param = `messages[${index}]`;
    if (!isFields(message)) throw invalid(param, 'expected a message object');
    switch (message['role']) {
      case 'system':
      case 'developer':
        for (const block of contentBlocks(message['content'], `${param}.content`, false)) system.push(block as { text: string });
        return;
      case 'user':
        add('user', contentBlocks(message['content'], `${param}.content`, true));
        return;
      case 'assistant':
        add('assistant', [
          ...contentBlocks(message['content'], `${param}.content`, false),
          ...toolUseBlocks(message['tool_calls'], `${param}.tool_calls`),
        ]);
        return;
      case 'tool':
        add('user', [toolResultBlock(message, param)]);
        return;
      default:
        throw invalid(`${param}.role`, `role "${String(message['role'])}" is not supported by bedrock/ (use tool messages for function results)`);
    }
  });
  return { system, messages: turns };
}
