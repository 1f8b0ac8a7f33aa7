// OpenAI's chat-completions wire types, as far as rxllm reads them. Fields rxllm does not read are
// carried through untouched (index signatures), so newer OpenAI fields never break a call.

export type ChatRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';

export interface ChatMessage {
  role: ChatRole;
  content?: string | readonly unknown[] | null;
  name?: string;
  tool_calls?: readonly unknown[];
  tool_call_id?: string;
  [field: string]: unknown;
}

/** An OpenAI chat-completions request body. */
export interface ChatCompletionRequest {
  model: string;
  messages: readonly ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  [field: string]: unknown;
}

/** `{ "group": ["fallback group", ...] }`, as in LiteLLM's `fallbacks` lists. */
export type FallbackEntry = Readonly<Record<string, readonly string[]>>;

/** The per-request settings LiteLLM reads from a request besides OpenAI's own fields. Seconds. */
export interface RouterRequestExtras {
  /** Deadline for the whole call, in seconds (overrides the router's `timeout`). */
  timeout?: number;
  /** Streaming: longest wait for the first chunk, in seconds. */
  stream_timeout?: number;
  /** Streaming: longest gap between chunks after the first, in seconds. */
  stream_idle_timeout?: number;
  num_retries?: number;
  /** Replaces the router's `fallbacks` for this call; a plain list means fallbacks of the requested group. */
  fallbacks?: readonly string[] | readonly FallbackEntry[];
  disable_fallbacks?: boolean;
  /** Answer with this text instead of calling the provider. */
  mock_response?: string;
  /** Attempts at the requested group never answer, so the timeouts fire. */
  mock_timeout?: boolean;
  /** The requested group fails at once, so the fallbacks run. */
  mock_testing_fallbacks?: boolean;
  /** Cooldown for a deployment this call cools, in seconds (0: this call cools nothing). */
  cooldown_time?: number;
  /** Seconds without a first content chunk after which another deployment of the group is tried too (hedging). */
  hedge_after?: number;
  /** Hedges per attempt at most (0: none for this call). */
  max_hedges?: number;
  /** LiteLLM's labels for the call: kept for logs and routing, never sent upstream. */
  metadata?: Record<string, unknown>;
  /** LiteLLM's tags: kept for logs and routing, never sent upstream. */
  tags?: string[];
}

/** What `Router.completion$` takes: an OpenAI chat request plus LiteLLM's per-request extras. */
export type RouterRequest = ChatCompletionRequest & RouterRequestExtras;
export type StreamingRouterRequest = RouterRequest & { stream: true };
export type NonStreamingRouterRequest = RouterRequest & { stream?: false | null };

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string | null;
  tool_calls?: readonly unknown[];
  [field: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  finish_reason: string | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/** A whole (non-streamed) completion. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [field: string]: unknown;
}

export interface ChatCompletionDelta {
  role?: 'assistant';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: readonly unknown[];
  [field: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionDelta;
  finish_reason: string | null;
  logprobs?: unknown;
  [field: string]: unknown;
}

/** One streamed chunk (`chat.completion.chunk`). */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: Usage | null;
  [field: string]: unknown;
}
