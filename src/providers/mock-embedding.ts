import { Observable } from 'rxjs';
import type { EmbeddingResponse } from '../protocol/embedding.js';
import { float32Base64 } from './float32-base64.js';
import { estimateTokens } from './mock-text.js';
import type { ProviderRequest } from './provider.js';

/** Dimensions of a mock vector when the request asks for none (small: a mock is for tests). */
export const defaultMockDimensions = 8;

/** The inputs of an embeddings request as strings, one per vector (tokens as their decimal text). */
function inputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return [];
  // A flat list of numbers is one token list; otherwise one vector per item.
  if (input.every((item) => typeof item === 'number')) return [input.join(' ')];
  return input.map((item) => (typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : String(item)));
}

/** FNV-1a over the text's UTF-16 units: a seed that depends on nothing but the text. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A unit vector drawn from the text alone (xorshift32 from its seed): the same text, the same vector. */
export function mockVector(text: string, dimensions: number): number[] {
  let state = seedOf(text) || 1;
  const values: number[] = [];
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    values.push(state / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...values) || 1;
  return values.map((value) => value / norm);
}

/**
 * `mock_response` for an embeddings call (DESIGN §9): one deterministic unit vector per input, of
 * `dimensions` (default 8), floats or base64 as `encoding_format` asks, with a usage estimate.
 * Synchronous on subscribe, so it runs in virtual time.
 */
export function mockEmbedding$(request: ProviderRequest, _now: () => number): Observable<EmbeddingResponse> {
  return new Observable((subscriber) => {
    const texts = inputs(request.body['input']);
    const dimensions = typeof request.body['dimensions'] === 'number' ? request.body['dimensions'] : defaultMockDimensions;
    const base64 = request.body['encoding_format'] === 'base64';
    const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
    subscriber.next({
      object: 'list',
      data: texts.map((text, index) => {
        const vector = mockVector(text, dimensions);
        return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector };
      }),
      model: request.deployment.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    subscriber.complete();
  });
}
