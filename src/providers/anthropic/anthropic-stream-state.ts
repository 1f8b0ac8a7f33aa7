import { APIConnectionError } from '../../errors/error-classes.js';
import type { RxllmError } from '../../errors/rxllm-error.js';
import type { ChatCompletionChunk, ChatCompletionDelta, Usage } from '../../protocol/chat.js';
import { anthropicError, anthropicErrorFields } from './anthropic-error.js';
import type { AnthropicUsage } from './anthropic-types.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { isRecord } from './unsupported-param.js';

/** What one stream event comes to. */
export type AnthropicStreamStep =
  | { readonly kind: 'chunk'; readonly chunk: ChatCompletionChunk }
  /** A keep-alive or bookkeeping event: nothing to send. */
  | { readonly kind: 'none' }
  /** `message_stop`: the stream is whole; `usage` is the last chunk to send first, when one was asked for. */
  | { readonly kind: 'done'; readonly usage: ChatCompletionChunk | undefined }
  | { readonly kind: 'error'; readonly error: RxllmError };

const none: AnthropicStreamStep = { kind: 'none' };

interface ToolBlock {
  /** Its position among the message's tool calls: OpenAI's `tool_calls[].index`. */
  readonly index: number;
  /** The input as given by `content_block_start` (normally `{}`, filled by the deltas). */
  readonly input: unknown;
  /** Some non-empty `partial_json` came. */
  hasArguments: boolean;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The state machine from Anthropic's stream events (each SSE event's parsed JSON) to OpenAI chunks:
 *
 * - `message_start` (id, model, input usage) → the role-only chunk, which carries no content, so it
 *   never stops the first-chunk clock (`isContentChunk`); `ping` and a text `content_block_start` →
 *   nothing.
 * - `content_block_start` of a `tool_use` → a tool-call delta (id, name, arguments ''), indexed
 *   among the message's tool calls; `content_block_delta` `text_delta` → a content delta,
 *   `input_json_delta` → an arguments delta for that block's tool call; `content_block_stop` of a
 *   tool call that got no arguments → arguments `{}`, so that they always parse.
 * - `message_delta` → the `finish_reason` chunk (stop_reason mapped), its usage kept;
 *   `message_stop` → done, with a last `choices: []` usage chunk when the request asked for one
 *   (`stream_options.include_usage`).
 * - `error` → its typed error (`overloaded_error` → 503). Unknown events are ignored, as Anthropic's
 *   versioning policy asks.
 *
 * @example
 * const state = new AnthropicStreamState('claude-sonnet-4', 1731400000, false);
 * state.next({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } });
 * // { kind: 'chunk', chunk: { choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] } }
 */
export class AnthropicStreamState {
  private id = 'msg_unknown';
  private usage: AnthropicUsage = {};
  private readonly toolBlocks = new Map<number, ToolBlock>();
  private stopped = false;

  constructor(
    private model: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
    private readonly apiKey?: string,
  ) {}

  /** `message_stop` came: the stream was whole. */
  get whole(): boolean {
    return this.stopped;
  }

  /** The next event, parsed from its SSE data. */
  next(event: unknown): AnthropicStreamStep {
    if (!isRecord(event)) {
      return { kind: 'error', error: new APIConnectionError('malformed event in the upstream stream: not an Anthropic stream event') };
    }
    switch (event['type']) {
      case 'message_start':
        return this.messageStart(event['message']);
      case 'content_block_start':
        return this.blockStart(event['index'], event['content_block']);
      case 'content_block_delta':
        return this.blockDelta(event['index'], event['delta']);
      case 'content_block_stop':
        return this.blockStop(event['index']);
      case 'message_delta':
        return this.messageDelta(event['delta'], event['usage']);
      case 'message_stop':
        this.stopped = true;
        return { kind: 'done', usage: this.usageChunk() };
      case 'error': {
        const fields = anthropicErrorFields(event) ?? { type: undefined, message: 'the upstream stream reported an error' };
        return { kind: 'error', error: anthropicError(fields, { apiKey: this.apiKey }) };
      }
      default:
        // ping, and event types newer than this adapter.
        return none;
    }
  }

  private messageStart(message: unknown): AnthropicStreamStep {
    if (isRecord(message)) {
      if (typeof message['id'] === 'string') this.id = message['id'];
      if (typeof message['model'] === 'string' && message['model'] !== '') this.model = message['model'];
      if (isRecord(message['usage'])) this.usage = { ...message['usage'] };
    }
    return this.chunk({ role: 'assistant', content: '' }, null);
  }

  private blockStart(index: unknown, block: unknown): AnthropicStreamStep {
    if (!isRecord(block) || typeof index !== 'number') return none;
    if (block['type'] === 'text') {
      const initial = text(block['text']);
      return initial === '' ? none : this.chunk({ content: initial }, null);
    }
    if (block['type'] !== 'tool_use') return none;
    const tool: ToolBlock = { index: this.toolBlocks.size, input: block['input'], hasArguments: false };
    this.toolBlocks.set(index, tool);
    const call = { index: tool.index, id: text(block['id']), type: 'function', function: { name: text(block['name']), arguments: '' } };
    return this.chunk({ tool_calls: [call] }, null);
  }

  private blockDelta(index: unknown, delta: unknown): AnthropicStreamStep {
    if (!isRecord(delta)) return none;
    if (delta['type'] === 'text_delta') {
      const piece = text(delta['text']);
      return piece === '' ? none : this.chunk({ content: piece }, null);
    }
    if (delta['type'] !== 'input_json_delta' || typeof index !== 'number') return none;
    const tool = this.toolBlocks.get(index);
    const piece = text(delta['partial_json']);
    // The first delta of a tool call is often empty: nothing to send.
    if (tool === undefined || piece === '') return none;
    tool.hasArguments = true;
    return this.arguments(tool, piece);
  }

  private blockStop(index: unknown): AnthropicStreamStep {
    const tool = typeof index === 'number' ? this.toolBlocks.get(index) : undefined;
    if (tool === undefined || tool.hasArguments) return none;
    // A tool called without arguments streams no JSON at all; '' would not parse as OpenAI's arguments.
    const input = isRecord(tool.input) ? tool.input : {};
    return this.arguments(tool, JSON.stringify(input));
  }

  private messageDelta(delta: unknown, usage: unknown): AnthropicStreamStep {
    // message_delta's usage is cumulative: it replaces what message_start said, field by field.
    if (isRecord(usage)) this.usage = { ...this.usage, ...usage };
    const finish = mapAnthropicStopReason(isRecord(delta) ? delta['stop_reason'] : undefined);
    return finish === null ? none : this.chunk({}, finish);
  }

  private arguments(tool: ToolBlock, piece: string): AnthropicStreamStep {
    return this.chunk({ tool_calls: [{ index: tool.index, function: { arguments: piece } }] }, null);
  }

  private usageChunk(): ChatCompletionChunk | undefined {
    const usage: Usage | undefined = this.includeUsage ? convertAnthropicUsage(this.usage) : undefined;
    if (usage === undefined) return undefined;
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage };
  }

  private chunk(delta: ChatCompletionDelta, finishReason: string | null): AnthropicStreamStep {
    return {
      kind: 'chunk',
      chunk: {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
      },
    };
  }
}
