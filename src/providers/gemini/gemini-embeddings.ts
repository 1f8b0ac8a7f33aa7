import { APIConnectionError } from '../../errors/error-classes.js';
import type { EmbeddingResponse } from '../../protocol/embedding.js';
import { embeddingResponse, isVector } from '../embedding-response.js';
import { embeddingTexts } from '../embedding-texts.js';
import { estimateTokens } from '../mock-text.js';
import { geminiError, geminiErrorFields, parseGeminiBody } from './gemini-error.js';

/**
 * Gemini's `BatchEmbedContentsRequest` for an OpenAI embeddings body: one `EmbedContentRequest` per
 * input, in order, naming the model as `models/<model>` (the batch call insists each request names
 * the model of its URL), with `dimensions` as `outputDimensionality`. Token inputs: a 400 naming `input`.
 *
 * @example
 * toGeminiEmbedRequest({ input: ['a', 'b'], dimensions: 256 }, 'gemini-embedding-001').requests[1]
 * // { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, outputDimensionality: 256 }
 */
export function toGeminiEmbedRequest(body: Readonly<Record<string, unknown>>, model: string): { requests: Record<string, unknown>[] } {
  const dimensions = body['dimensions'];
  return {
    requests: embeddingTexts(body['input'], 'gemini/').map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...(typeof dimensions === 'number' ? { outputDimensionality: dimensions } : {}),
    })),
  };
}

export interface GeminiEmbeddingsContext {
  readonly model: string;
  /** The request's texts, for the usage estimate. */
  readonly texts: readonly string[];
  readonly base64: boolean;
  readonly apiKey?: string | undefined;
}

/**
 * A whole `BatchEmbedContentsResponse` (`{"embeddings": [{"values": [...]}]}`) as OpenAI's answer.
 * An error body (even in a 200) is its typed error; anything else that is not one vector per input
 * is a malformed upstream response.
 */
export function readGeminiEmbeddings(bytes: Buffer, context: GeminiEmbeddingsContext): EmbeddingResponse {
  const body = parseGeminiBody(bytes);
  if (geminiErrorFields(body) !== undefined) throw geminiError(body, { fallbackMessage: 'the upstream reported an error', apiKey: context.apiKey });
  const embeddings = (body as { embeddings?: unknown } | null | undefined)?.embeddings;
  const vectors = Array.isArray(embeddings) ? embeddings.map((embedding) => (embedding as { values?: unknown } | null)?.values) : undefined;
  if (vectors === undefined || vectors.length !== context.texts.length || !vectors.every(isVector)) {
    throw new APIConnectionError('malformed upstream response: not a Gemini BatchEmbedContentsResponse with one embedding per input');
  }
  // batchEmbedContents reports no token counts: the usage is an estimate (about 4 characters a token,
  // as for mock answers), so that usage-based routing and spend tracking do not see these calls as free.
  const promptTokens = context.texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  return embeddingResponse(vectors, { model: context.model, promptTokens, base64: context.base64 });
}
