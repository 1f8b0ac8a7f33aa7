import { BadRequestError } from '../../errors/error-classes.js';
import { type ConverseMessage, converseMessages } from './converse-messages.js';
import { type ConverseToolConfig, converseToolConfig } from './converse-tool-config.js';

/** The body of a Converse / ConverseStream request (the model is in the path). */
export interface ConverseRequest {
  readonly messages: ConverseMessage[];
  readonly system?: { readonly text: string }[];
  readonly inferenceConfig?: Readonly<Record<string, unknown>>;
  readonly toolConfig?: ConverseToolConfig;
}

/** OpenAI fields translated below, or that mean nothing to Converse and need no translation. */
const understood: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'stop',
  'tools',
  'tool_choice',
  'n',
  // Converse always allows parallel tool calls; the end-user id and LiteLLM's metadata are for logs.
  'parallel_tool_calls',
  'user',
  'metadata',
  'drop_params',
]);

function invalid(param: string, message: string): BadRequestError {
  return new BadRequestError(`${param}: ${message}`, { param, code: 'invalid_request' });
}

function numberField(body: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(key, 'expected a number');
  return value;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((item) => typeof item === 'string')) return stop as string[];
  throw invalid('stop', 'expected a string or a list of strings');
}

function inferenceConfig(body: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = {};
  const maxTokens = numberField(body, 'max_completion_tokens') ?? numberField(body, 'max_tokens');
  if (maxTokens !== undefined) config['maxTokens'] = maxTokens;
  const temperature = numberField(body, 'temperature');
  if (temperature !== undefined) config['temperature'] = temperature;
  const topP = numberField(body, 'top_p');
  if (topP !== undefined) config['topP'] = topP;
  const stop = stopSequences(body['stop']);
  if (stop !== undefined && stop.length > 0) config['stopSequences'] = stop;
  return Object.keys(config).length === 0 ? undefined : config;
}

/**
 * An OpenAI chat body as a Converse request body: the conversation (`converseMessages`),
 * `inferenceConfig` (`maxTokens` from `max_completion_tokens` / `max_tokens`, `temperature`, `topP`,
 * `stopSequences` from `stop`) and `toolConfig`. A field Converse cannot take is a 400 naming it,
 * unless the body sets LiteLLM's `drop_params: true`, which drops it (DESIGN §8).
 *
 * @example
 * converseRequest({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 })
 * // { messages: [{ role: 'user', content: [{ text: 'Hi' }] }], inferenceConfig: { maxTokens: 50 } }
 */
export function converseRequest(body: Readonly<Record<string, unknown>>): ConverseRequest {
  const dropParams = body['drop_params'] === true;
  if (!dropParams) {
    for (const [key, value] of Object.entries(body)) {
      if (!understood.has(key) && value !== undefined && value !== null) {
        throw invalid(key, 'is not supported by bedrock/ (set drop_params: true to drop it)');
      }
    }
  }
  const n = body['n'];
  if (n !== undefined && n !== null && n !== 1) throw invalid('n', 'bedrock/ answers with one choice only');
  const messages = body['messages'];
  if (!Array.isArray(messages)) throw invalid('messages', 'expected a list of messages');
  const conversation = converseMessages(messages);
  const config = inferenceConfig(body);
  const tools = converseToolConfig(body['tools'], body['tool_choice'], dropParams);
  return {
    messages: conversation.messages,
    ...(conversation.system.length === 0 ? {} : { system: conversation.system }),
    ...(config === undefined ? {} : { inferenceConfig: config }),
    ...(tools === undefined ? {} : { toolConfig: tools }),
  };
}
