import { BadRequestError } from '../../errors/error-classes.js';
import { anthropicPrepareTools } from './anthropic-prepare-tools.js';
import type { AnthropicRequest } from './anthropic-types.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { unsupportedParam } from './unsupported-param.js';

/** Anthropic requires `max_tokens`; LiteLLM sends this when the request gives none. */
export const defaultAnthropicMaxTokens = 4096;

/** The OpenAI request fields this adapter reads; any other is refused, or dropped with `drop_params`. */
const knownFields: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options', // read by the stream reader (include_usage)
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'user',
  'n',
]);

function optionalNumber(body: Readonly<Record<string, unknown>>, field: string): number | undefined {
  const value = body[field];
  // OpenAI clients send null for "not set".
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BadRequestError(`${field} must be a number`, { param: field });
  return value;
}

function maxTokens(body: Readonly<Record<string, unknown>>): number {
  // max_completion_tokens is OpenAI's newer name and wins when both are given, as OpenAI's own API has it.
  const value = optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens') ?? defaultAnthropicMaxTokens;
  if (!Number.isInteger(value) || value < 1) {
    const param = body['max_completion_tokens'] != null ? 'max_completion_tokens' : 'max_tokens';
    throw new BadRequestError(`${param} must be a positive integer`, { param });
  }
  return value;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((item) => typeof item === 'string')) return stop.length === 0 ? undefined : [...stop];
  throw new BadRequestError('stop must be a string or a list of strings', { param: 'stop' });
}

export interface ToAnthropicRequestOptions {
  /** Drop fields Anthropic cannot take instead of refusing the request (LiteLLM's `drop_params`). */
  readonly dropParams?: boolean;
}

/**
 * Anthropic's Messages body for an OpenAI chat request: the prompt (`convertToAnthropicMessages`),
 * `max_tokens` (the request's `max_completion_tokens` or `max_tokens`, else 4096: Anthropic requires
 * one), `temperature`, `top_p`, `stop` as `stop_sequences`, `stream`, the tools
 * (`anthropicPrepareTools`) and `user` as `metadata.user_id`. `n` is accepted only as 1. A field
 * Anthropic cannot take (logit_bias, response_format, presence_penalty, ...) is a `BadRequestError`
 * naming it, or dropped with `dropParams`.
 *
 * @example
 * toAnthropicRequest({ model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'Hi' }], stop: 'END' })
 * // { model: 'claude-sonnet-4', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }], stop_sequences: ['END'] }
 */
export function toAnthropicRequest(body: Readonly<Record<string, unknown>>, options: ToAnthropicRequestOptions = {}): AnthropicRequest {
  const dropParams = options.dropParams ?? false;
  for (const [field, value] of Object.entries(body)) {
    if (knownFields.has(field) || value === undefined || value === null || dropParams) continue;
    throw unsupportedParam(field, field);
  }
  const n = body['n'];
  if (n !== undefined && n !== null && n !== 1 && !dropParams) throw unsupportedParam('n', 'n other than 1');

  const { system, messages } = convertToAnthropicMessages(body['messages'], dropParams);
  const request: AnthropicRequest = { model: String(body['model']), max_tokens: maxTokens(body), messages };
  if (system !== undefined) request.system = system;
  const temperature = optionalNumber(body, 'temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body, 'top_p');
  if (topP !== undefined) request.top_p = topP;
  const stop = stopSequences(body['stop']);
  if (stop !== undefined) request.stop_sequences = stop;
  if (body['stream'] === true) request.stream = true;
  const { tools, tool_choice: toolChoice } = anthropicPrepareTools(body, dropParams);
  if (tools !== undefined) request.tools = tools;
  if (toolChoice !== undefined) request.tool_choice = toolChoice;
  if (typeof body['user'] === 'string' && body['user'] !== '') request.metadata = { user_id: body['user'] };
  return request;
}
