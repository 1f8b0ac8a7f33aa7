import { z } from 'zod';
import type { ChatCompletion, ChatCompletionChunk } from '../protocol/chat.js';
import type { EmbeddingResponse } from '../protocol/embedding.js';
import { isContentChunk } from '../protocol/is-content-chunk.js';
import { isTextContent } from '../protocol/is-text-content.js';
import type { TextCompletion } from '../protocol/text-completion.js';

/** What a call may emit, whatever its kind. */
export type CallOutput = ChatCompletion | ChatCompletionChunk | TextCompletion | EmbeddingResponse;

/** Which OpenAI endpoint a call is: chat completions, text completions, or embeddings. */
export type CallKindName = 'chat' | 'text_completion' | 'embedding';

/**
 * What makes one kind of call differ from another (DESIGN §9). Everything else — the deadline, the
 * per-attempt caps, retries, fallbacks, cooldowns, routing, events and the commit point — is the one
 * call pipeline's, whatever the kind.
 */
export interface CallKind {
  readonly name: CallKindName;
  /** The kind's own request fields, validated besides `model` and LiteLLM's extras. */
  readonly fields: z.ZodRawShape;
  /** Whether `stream: true` is allowed. */
  readonly streams: boolean;
  /** Streams: whether a value is the first content, for the first-chunk clock and the commit point. */
  isContent(value: CallOutput): boolean;
}

const roles = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

/** One string, strings, one token list, or token lists: what `prompt` and `input` take. */
const textOrTokens = (what: string) =>
  z.union(
    [
      z.string(),
      z.array(z.string()).min(1),
      z.array(z.number().int()).min(1),
      z.array(z.array(z.number().int()).min(1)).min(1),
    ],
    { error: `expected ${what}: a string, a list of strings, a list of tokens, or a list of token lists` },
  );

export const chatKind: CallKind = {
  name: 'chat',
  fields: {
    messages: z
      .array(z.looseObject({ role: z.enum(roles, { error: `expected one of ${roles.join(', ')}` }) }), {
        error: 'expected a list of messages',
      })
      .min(1, { error: 'expected at least one message' }),
  },
  streams: true,
  isContent: (value) => isContentChunk(value as ChatCompletionChunk),
};

export const textCompletionKind: CallKind = {
  name: 'text_completion',
  fields: { prompt: textOrTokens('a prompt') },
  streams: true,
  isContent: (value) => isTextContent(value as TextCompletion),
};

export const embeddingKind: CallKind = {
  name: 'embedding',
  fields: {
    input: textOrTokens('an input'),
    dimensions: z.number({ error: 'expected a whole number' }).int({ error: 'expected a whole number' }).positive({ error: 'expected a positive number' }).nullish(),
    encoding_format: z.enum(['float', 'base64'], { error: 'expected "float" or "base64"' }).nullish(),
  },
  streams: false,
  isContent: () => true,
};
