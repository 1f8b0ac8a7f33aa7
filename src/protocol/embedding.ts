// OpenAI's embeddings wire types (`POST /v1/embeddings`), as far as rxllm reads them.
import type { RouterRequestExtras } from './chat.js';

/** An OpenAI embeddings request body: `input` a string, strings, tokens or token lists. */
export interface EmbeddingRequest {
  model: string;
  input: string | readonly string[] | readonly number[] | readonly (readonly number[])[];
  dimensions?: number | null;
  encoding_format?: 'float' | 'base64' | null;
  user?: string | null;
  [field: string]: unknown;
}

export interface Embedding {
  object: 'embedding';
  index: number;
  /** Floats, or their little-endian float32 bytes in base64 with `encoding_format: "base64"`. */
  embedding: number[] | string;
  [field: string]: unknown;
}

export interface EmbeddingUsage {
  prompt_tokens: number;
  total_tokens: number;
  [field: string]: unknown;
}

export interface EmbeddingResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage?: EmbeddingUsage | null;
  [field: string]: unknown;
}

/** What `Router.embedding$` takes: an OpenAI embeddings request plus LiteLLM's extras (no stream). */
export type EmbeddingRouterRequest = EmbeddingRequest & Omit<RouterRequestExtras, 'stream_timeout' | 'stream_idle_timeout'>;
