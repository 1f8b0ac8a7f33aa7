import { APIConnectionError, BadRequestError } from '../../errors/error-classes.js';
import type { EmbeddingResponse } from '../../protocol/embedding.js';
import { embeddingResponse, isVector } from '../embedding-response.js';
import { embeddingTexts } from '../embedding-texts.js';

// Titan Text Embeddings V2 takes `dimensions` and `normalize`; G1 (`amazon.titan-embed-text-v1`) takes `inputText` only.
const v2 = /titan-embed-text-v2/;

export interface TitanEmbedOptions {
  /** LiteLLM's `drop_params`: leave out `dimensions` where the model cannot take it, instead of a 400. */
  readonly dropParams: boolean;
}

/**
 * The InvokeModel body of an Amazon Titan text-embeddings model for an OpenAI embeddings body.
 * V2: `{inputText, dimensions?, normalize: true}` (normalised, as OpenAI's vectors are); G1:
 * `{inputText}`, and `dimensions` is a 400 naming it unless `drop_params`.
 *
 * One call embeds one text. Several inputs are a 400 naming `input` rather than one request per
 * input: an attempt is one HTTP exchange, and fanning out would make one attempt's retries, timeout
 * and abort cover several requests whose partial failures the call pipeline could not account for.
 *
 * @example
 * toTitanEmbedRequest({ input: 'hi', dimensions: 256 }, 'amazon.titan-embed-text-v2:0', { dropParams: false })
 * // { inputText: 'hi', dimensions: 256, normalize: true }
 */
export function toTitanEmbedRequest(body: Readonly<Record<string, unknown>>, modelId: string, options: TitanEmbedOptions): Record<string, unknown> {
  const texts = embeddingTexts(body['input'], 'bedrock/');
  const [inputText] = texts;
  if (inputText === undefined || texts.length > 1) {
    throw new BadRequestError(`${modelId} embeds one text per call: give input as one string (got ${texts.length})`, { param: 'input' });
  }
  const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : undefined;
  if (v2.test(modelId)) return { inputText, ...(dimensions === undefined ? {} : { dimensions }), normalize: true };
  if (dimensions !== undefined && !options.dropParams) {
    throw new BadRequestError(`${modelId} does not take dimensions (Titan Text Embeddings V2 does); set drop_params to leave it out`, {
      param: 'dimensions',
    });
  }
  return { inputText };
}

export interface TitanEmbeddingsContext {
  readonly model: string;
  readonly base64: boolean;
}

/** A Titan answer (`{"embedding": [...], "inputTextTokenCount": n}`) as OpenAI's embeddings answer. */
export function readTitanEmbeddings(body: unknown, context: TitanEmbeddingsContext): EmbeddingResponse {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as { embedding?: unknown; inputTextTokenCount?: unknown };
  if (!isVector(fields.embedding)) throw new APIConnectionError('malformed upstream response: not a Titan embeddings answer');
  const tokens = fields.inputTextTokenCount;
  const promptTokens = typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0 ? tokens : 0;
  return embeddingResponse([fields.embedding], { model: context.model, promptTokens, base64: context.base64 });
}
