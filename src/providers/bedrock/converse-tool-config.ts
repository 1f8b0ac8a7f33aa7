import { BadRequestError } from '../../errors/error-classes.js';

type Fields = Readonly<Record<string, unknown>>;

/** Converse's `toolConfig`: the tools on offer and how the model must choose among them. */
export interface ConverseToolConfig {
  readonly tools: { readonly toolSpec: Fields }[];
  readonly toolChoice?: Fields;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(param: string, message: string): BadRequestError {
  return new BadRequestError(`${param}: ${message}`, { param, code: 'invalid_request' });
}

function toolSpec(tool: unknown, index: number): { toolSpec: Fields } {
  const param = `tools[${index}]`;
  if (!isFields(tool) || tool['type'] !== 'function') throw invalid(`${param}.type`, 'bedrock/ takes function tools only');
  const fn = tool['function'];
  if (!isFields(fn) || typeof fn['name'] !== 'string' || fn['name'] === '') throw invalid(`${param}.function.name`, 'expected a name');
  const parameters = fn['parameters'] ?? { type: 'object', properties: {} };
  if (!isFields(parameters)) throw invalid(`${param}.function.parameters`, 'expected a JSON Schema object');
  return {
    toolSpec: {
      name: fn['name'],
      ...(typeof fn['description'] === 'string' && fn['description'] !== '' ? { description: fn['description'] } : {}),
      inputSchema: { json: parameters },
    },
  };
}

/** `tool_choice` as Converse's `toolChoice`; `undefined` leaves the model's default (auto). */
function toolChoice(choice: unknown, dropParams: boolean): Fields | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (isFields(choice) && choice['type'] === 'function' && isFields(choice['function']) && typeof choice['function']['name'] === 'string') {
    return { tool: { name: choice['function']['name'] } };
  }
  // Converse cannot forbid the tools it is given; LiteLLM's drop_params lets the choice go unsaid.
  if (choice === 'none' && dropParams) return undefined;
  throw invalid('tool_choice', `${JSON.stringify(choice)} is not supported by bedrock/ (auto, required or a named function)`);
}

/**
 * OpenAI's `tools` and `tool_choice` as Converse's `toolConfig` (`undefined` when no tools are
 * offered): each function becomes a `toolSpec` with its JSON Schema as `inputSchema.json`;
 * `auto` → `{auto}`, `required` → `{any}`, a named function → `{tool: {name}}`.
 *
 * @example
 * converseToolConfig([{ type: 'function', function: { name: 'weather', parameters: schema } }], 'required', false)
 * // { tools: [{ toolSpec: { name: 'weather', inputSchema: { json: schema } } }], toolChoice: { any: {} } }
 */
export function converseToolConfig(tools: unknown, choice: unknown, dropParams: boolean): ConverseToolConfig | undefined {
  if (tools === undefined || tools === null) {
    if (choice !== undefined && choice !== null && choice !== 'none' && !dropParams) throw invalid('tool_choice', 'needs tools');
    return undefined;
  }
  if (!Array.isArray(tools)) throw invalid('tools', 'expected a list of tools');
  if (tools.length === 0) return undefined;
  const chosen = toolChoice(choice, dropParams);
  return { tools: tools.map(toolSpec), ...(chosen === undefined ? {} : { toolChoice: chosen }) };
}
