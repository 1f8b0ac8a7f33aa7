import { BadRequestError } from '../../errors/error-classes.js';
import type { GeminiContent, GeminiGenerationConfig, GeminiPart, GeminiRequest } from './gemini-types.js';

/** OpenAI request fields and where they go; `null` means "read elsewhere" (model, messages...). */
const generationFields: Readonly<Record<string, keyof GeminiGenerationConfig | null>> = {
  model: null, // in the URL
  messages: null,
  stream: null, // the endpoint
  stream_options: null, // read by the stream's reader (include_usage)
  temperature: 'temperature',
  top_p: 'topP',
  max_tokens: 'maxOutputTokens',
  max_completion_tokens: 'maxOutputTokens',
  stop: 'stopSequences',
  n: 'candidateCount',
  presence_penalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty',
  seed: 'seed',
};

export interface ToGeminiRequestOptions {
  /** Drop fields Gemini cannot take instead of refusing the request (LiteLLM's `drop_params`). */
  readonly dropParams?: boolean;
}

function unsupported(param: string, what: string): BadRequestError {
  return new BadRequestError(`${what} is not supported for gemini/ deployments (set drop_params: true to drop it)`, {
    param,
    code: 'unsupported_parameter',
  });
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textParts(content: unknown, at: string, dropParams: boolean): GeminiPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw new BadRequestError(`${at} must be a string or a list of parts`, { param: at });
  const parts: GeminiPart[] = [];
  content.forEach((part: unknown, index) => {
    const type = isRecord(part) ? part['type'] : undefined;
    if (type === 'text' && isRecord(part) && typeof part['text'] === 'string') {
      parts.push({ text: part['text'] });
    } else if (!dropParams) {
      throw unsupported(`${at}[${index}].type`, `a content part of type ${JSON.stringify(type ?? null)}`);
    }
  });
  return parts;
}

/** system and developer messages become `systemInstruction`; user → user, assistant → model, merged when consecutive. */
function toContents(messages: unknown, dropParams: boolean): Pick<GeminiRequest, 'contents' | 'systemInstruction'> {
  if (!Array.isArray(messages)) throw new BadRequestError('messages must be a list', { param: 'messages' });
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  messages.forEach((message: unknown, index) => {
    const at = `messages[${index}]`;
    if (!isRecord(message)) throw new BadRequestError(`${at} must be an object`, { param: at });
    const role = message['role'];
    if (Array.isArray(message['tool_calls']) && message['tool_calls'].length > 0 && !dropParams) {
      throw unsupported(`${at}.tool_calls`, 'tool calls');
    }
    const parts = textParts(message['content'], `${at}.content`, dropParams);
    if (role === 'system' || role === 'developer') {
      system.push(...parts);
      return;
    }
    if (role !== 'user' && role !== 'assistant') {
      if (dropParams) return;
      throw unsupported(`${at}.role`, `a message with role ${JSON.stringify(role ?? null)}`);
    }
    // Gemini refuses a turn without parts (an assistant turn that only called tools, an empty string).
    if (parts.length === 0) return;
    const geminiRole = role === 'user' ? 'user' : 'model';
    const previous = contents[contents.length - 1];
    if (previous?.role === geminiRole) previous.parts.push(...parts);
    else contents.push({ role: geminiRole, parts });
  });
  return system.length === 0 ? { contents } : { contents, systemInstruction: { parts: system } };
}

function toGenerationConfig(body: Readonly<Record<string, unknown>>, dropParams: boolean): GeminiGenerationConfig {
  const config: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    const target = generationFields[field];
    if (target === undefined) {
      if (!dropParams) throw unsupported(field, field);
      continue;
    }
    // OpenAI clients send null for "not set".
    if (target === null || value === null || value === undefined) continue;
    if (field === 'max_tokens' && body['max_completion_tokens'] != null) continue;
    config[target] = field === 'stop' && typeof value === 'string' ? [value] : value;
  }
  return config as GeminiGenerationConfig;
}

/**
 * Gemini's `generateContent` body for an OpenAI chat request: messages as `contents` (roles user and
 * model; system and developer messages as `systemInstruction`; text content and text parts), and
 * temperature, top_p, max_tokens / max_completion_tokens, stop, n, presence_penalty,
 * frequency_penalty and seed as `generationConfig`. A field Gemini cannot take (tools, logit_bias, an
 * image part, ...) is a `BadRequestError` naming it, or dropped with `dropParams`.
 *
 * @example
 * toGeminiRequest({ model: 'gemini-2.0-flash', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hi' }], max_tokens: 50 })
 * // { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], systemInstruction: { parts: [{ text: 'Be brief' }] },
 * //   generationConfig: { maxOutputTokens: 50 } }
 */
export function toGeminiRequest(body: Readonly<Record<string, unknown>>, options: ToGeminiRequestOptions = {}): GeminiRequest {
  const dropParams = options.dropParams ?? false;
  const request: GeminiRequest = toContents(body['messages'], dropParams);
  const generationConfig = toGenerationConfig(body, dropParams);
  if (Object.keys(generationConfig).length > 0) request.generationConfig = generationConfig;
  return request;
}
