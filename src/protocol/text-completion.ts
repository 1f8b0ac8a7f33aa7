// OpenAI's legacy text-completions wire types (`POST /v1/completions`), as far as rxllm reads them.
// Fields rxllm does not read are carried through untouched (index signatures).
import type { RouterRequestExtras, Usage } from './chat.js';

/** An OpenAI text-completions request body: `prompt` a string, strings, tokens or token lists. */
export interface TextCompletionRequest {
  model: string;
  prompt: string | readonly string[] | readonly number[] | readonly (readonly number[])[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  temperature?: number | null;
  [field: string]: unknown;
}

export interface TextCompletionChoice {
  index: number;
  text: string;
  finish_reason: string | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/**
 * A text completion, whole or streamed: OpenAI sends both as `object: "text_completion"`, a streamed
 * piece carrying the next `text` of each choice.
 */
export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: TextCompletionChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

/** What `Router.textCompletion$` takes: an OpenAI text-completions request plus LiteLLM's extras. */
export type TextRouterRequest = TextCompletionRequest & RouterRequestExtras;
