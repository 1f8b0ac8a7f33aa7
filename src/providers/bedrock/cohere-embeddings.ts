import { APIConnectionError, BadRequestError } from '../../errors/error-classes.js';
import type { EmbeddingResponse } from '../../protocol/embedding.js';
import { embeddingResponse, isVector } from '../embedding-response.js';
import { embeddingTexts } from '../embedding-texts.js';

export interface CohereEmbedOptions {
  /** LiteLLM's `drop_params`: leave out `dimensions` (Cohere Embed v3 has fixed sizes) instead of a 400. */
  readonly dropParams: boolean;
}

/**
 * The InvokeModel body of a Cohere Embed model on Bedrock for an OpenAI embeddings body:
 * `{texts, input_type}`. `input_type` defaults to `search_document` (what OpenAI-style callers
 * embed most: documents for a store); a caller's own `input_type` string is passed on, as LiteLLM
 * does. `dimensions` is a 400 naming it unless `drop_params`.
 *
 * @example
 * toCohereEmbedRequest({ input: ['a', 'b'] }, 'cohere.embed-english-v3', { dropParams: false })
 * // { texts: ['a', 'b'], input_type: 'search_document' }
 */
export function toCohereEmbedRequest(body: Readonly<Record<string, unknown>>, modelId: string, options: CohereEmbedOptions): Record<string, unknown> {
  if (typeof body['dimensions'] === 'number' && !options.dropParams) {
    throw new BadRequestError(`${modelId} does not take dimensions; set drop_params to leave it out`, { param: 'dimensions' });
  }
  const inputType = typeof body['input_type'] === 'string' ? body['input_type'] : 'search_document';
  return { texts: embeddingTexts(body['input'], 'bedrock/'), input_type: inputType };
}

export interface CohereEmbeddingsContext {
  readonly model: string;
  readonly base64: boolean;
  /** How many inputs were sent: the answer must carry one vector each. */
  readonly inputs: number;
  /** From the `x-amzn-bedrock-input-token-count` header (Cohere's body has no usage); 0 without it. */
  readonly inputTokens: number;
}

/**
 * A Cohere Embed answer as OpenAI's embeddings answer: `embeddings` is a list of float vectors
 * (`response_type: "embeddings_floats"`), or, when `embedding_types` was asked for, an object whose
 * `float` list is read (`embeddings_by_type`).
 */
export function readCohereEmbeddings(body: unknown, context: CohereEmbeddingsContext): EmbeddingResponse {
  const embeddings = (typeof body === 'object' && body !== null ? (body as { embeddings?: unknown }).embeddings : undefined) as unknown;
  const vectors = Array.isArray(embeddings) ? embeddings : (embeddings as { float?: unknown } | undefined)?.float;
  if (!Array.isArray(vectors) || vectors.length !== context.inputs || !vectors.every(isVector)) {
    throw new APIConnectionError('malformed upstream response: not a Cohere Embed answer with one float embedding per input');
  }
  return embeddingResponse(vectors, { model: context.model, promptTokens: context.inputTokens, base64: context.base64 });
}
