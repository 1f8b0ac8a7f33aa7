import type { EmbeddingResponse } from '../protocol/embedding.js';
import { float32Base64 } from './float32-base64.js';

export interface EmbeddingResponseOptions {
  readonly model: string;
  readonly promptTokens: number;
  /** `encoding_format: "base64"` was asked for. */
  readonly base64: boolean;
}

/**
 * OpenAI's embeddings answer for vectors a provider returned in input order: `{object: 'list',
 * data: [{object: 'embedding', index, embedding}], model, usage}`, each vector as floats or, for
 * `base64`, as OpenAI encodes it.
 *
 * @example
 * embeddingResponse([[0.5, -0.5]], { model: 'm', promptTokens: 2, base64: false }).data[0]
 * // { object: 'embedding', index: 0, embedding: [0.5, -0.5] }
 */
export function embeddingResponse(vectors: readonly (readonly number[])[], options: EmbeddingResponseOptions): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: options.base64 ? float32Base64(vector) : [...vector] })),
    model: options.model,
    usage: { prompt_tokens: options.promptTokens, total_tokens: options.promptTokens },
  };
}

/** Whether `value` is a list of finite numbers: a vector as providers send it. */
export function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isFinite(item));
}
