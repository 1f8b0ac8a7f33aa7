import { APIConnectionError, BadRequestError } from '../../errors/error-classes.js';
import type { EmbeddingResponse } from '../../protocol/embedding.js';
import { decodeUtf8 } from '../decode-utf8.js';
import { headerValue, type ResponseHeaders } from '../header-value.js';
import type { ProviderRequest } from '../provider.js';
import { readCohereEmbeddings, toCohereEmbedRequest } from './cohere-embeddings.js';
import { readTitanEmbeddings, toTitanEmbedRequest } from './titan-embeddings.js';

type Family = 'titan' | 'cohere';

// Bare model ids and cross-region inference profiles (`us.cohere.embed-english-v3`) alike.
const families: readonly (readonly [RegExp, Family])[] = [
  [/(?:^|\.)amazon\.titan-embed-/, 'titan'],
  [/(?:^|\.)cohere\.embed-/, 'cohere'],
];

/** Which embeddings body a Bedrock model id takes; a 400 naming `model` for any other model. */
export function bedrockEmbedFamily(modelId: string): Family {
  const family = families.find(([pattern]) => pattern.test(modelId))?.[1];
  if (family === undefined) {
    throw new BadRequestError(`bedrock/${modelId}: embeddings are supported for Amazon Titan (amazon.titan-embed-*) and Cohere (cohere.embed-*) models`, {
      param: 'model',
      code: 'unsupported_endpoint',
    });
  }
  return family;
}

/** The InvokeModel body (`POST /model/<modelId>/invoke`) for an embeddings call, by the model's family. */
export function bedrockEmbedRequest(request: ProviderRequest): Record<string, unknown> {
  const { model, dropParams } = request.deployment;
  return bedrockEmbedFamily(model) === 'titan'
    ? toTitanEmbedRequest(request.body, model, { dropParams })
    : toCohereEmbedRequest(request.body, model, { dropParams });
}

function tokenCount(headers: ResponseHeaders): number {
  const count = Number(headerValue(headers, 'x-amzn-bedrock-input-token-count'));
  return Number.isInteger(count) && count >= 0 ? count : 0;
}

/** A whole InvokeModel answer to an embeddings call as OpenAI's embeddings answer, by the model's family. */
export function readBedrockEmbeddings(bytes: Buffer, request: ProviderRequest, headers: ResponseHeaders): EmbeddingResponse {
  let body: unknown;
  try {
    body = JSON.parse(decodeUtf8(bytes)) as unknown;
  } catch (cause) {
    throw new APIConnectionError('malformed upstream response: the body is not JSON', { cause });
  }
  const { model } = request.deployment;
  const base64 = request.body['encoding_format'] === 'base64';
  if (bedrockEmbedFamily(model) === 'titan') return readTitanEmbeddings(body, { model, base64 });
  const input = request.body['input'];
  const inputs = Array.isArray(input) ? input.length : 1;
  return readCohereEmbeddings(body, { model, base64, inputs, inputTokens: tokenCount(headers) });
}
