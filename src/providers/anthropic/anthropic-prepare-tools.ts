import { BadRequestError } from '../../errors/error-classes.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-types.js';
import { isRecord, unsupportedParam } from './unsupported-param.js';

export interface AnthropicTools {
  readonly tools?: AnthropicTool[];
  readonly tool_choice?: AnthropicToolChoice;
}

export interface OpenAIToolFields {
  readonly tools?: unknown;
  readonly tool_choice?: unknown;
  readonly parallel_tool_calls?: unknown;
}

function toTool(tool: unknown, index: number, dropParams: boolean): AnthropicTool | undefined {
  const at = `tools[${index}]`;
  if (!isRecord(tool)) throw new BadRequestError(`${at} must be an object`, { param: at });
  if (tool['type'] !== 'function') {
    if (dropParams) return undefined;
    throw unsupportedParam(`${at}.type`, `a tool of type ${JSON.stringify(tool['type'] ?? null)}`);
  }
  const fn = tool['function'];
  if (!isRecord(fn) || typeof fn['name'] !== 'string' || fn['name'] === '') {
    throw new BadRequestError(`${at}.function.name is required`, { param: `${at}.function.name` });
  }
  const converted: AnthropicTool = {
    name: fn['name'],
    // Anthropic requires a schema; OpenAI allows a function without parameters (it takes none).
    input_schema: isRecord(fn['parameters']) ? fn['parameters'] : { type: 'object', properties: {} },
  };
  if (typeof fn['description'] === 'string') converted.description = fn['description'];
  return converted;
}

function toToolChoice(choice: unknown): AnthropicToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  switch (choice) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'any' };
  }
  const fn = isRecord(choice) && choice['type'] === 'function' && isRecord(choice['function']) ? choice['function'] : undefined;
  if (typeof fn?.['name'] === 'string' && fn['name'] !== '') return { type: 'tool', name: fn['name'] };
  throw new BadRequestError('tool_choice must be "auto", "none", "required" or {"type": "function", "function": {"name": ...}}', {
    param: 'tool_choice',
  });
}

/**
 * OpenAI's `tools` and `tool_choice` in Anthropic's shape: each function tool becomes
 * `{name, description, input_schema}`; `tool_choice` auto / none / required / a named function
 * becomes `{type: auto | none | any | tool}`; `parallel_tool_calls: false` becomes
 * `disable_parallel_tool_use` on the choice (auto when none was given). A tool of another type is a
 * `BadRequestError` naming it, or dropped with `dropParams`.
 *
 * @example
 * anthropicPrepareTools({ tools: [{ type: 'function', function: { name: 'get_weather', parameters: schema } }], tool_choice: 'required' })
 * // { tools: [{ name: 'get_weather', input_schema: schema }], tool_choice: { type: 'any' } }
 */
export function anthropicPrepareTools(fields: OpenAIToolFields, dropParams = false): AnthropicTools {
  const { tools: openAITools, parallel_tool_calls: parallel } = fields;
  let tools: AnthropicTool[] | undefined;
  if (openAITools !== undefined && openAITools !== null) {
    if (!Array.isArray(openAITools)) throw new BadRequestError('tools must be a list', { param: 'tools' });
    tools = openAITools.flatMap((tool: unknown, index) => toTool(tool, index, dropParams) ?? []);
  }
  let choice = toToolChoice(fields.tool_choice);
  if (parallel === false && choice?.type !== 'none' && tools !== undefined && tools.length > 0) {
    choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  // Anthropic refuses an empty `tools` list, and a tool_choice without tools.
  if (tools === undefined || tools.length === 0) return {};
  return choice === undefined ? { tools } : { tools, tool_choice: choice };
}
