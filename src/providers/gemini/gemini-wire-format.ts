import { APIConnectionError } from '../../errors/error-classes.js';
import type { CallOutput } from '../../router/call-kind.js';
import { embeddingTexts } from '../embedding-texts.js';
import type { ProviderRequest } from '../provider.js';
import type { WireFormat } from '../wire-format.js';
import { toChatCompletion } from './gemini-completion.js';
import { geminiDispatchOptions } from './gemini-dispatch-options.js';
import { readGeminiEmbeddings } from './gemini-embeddings.js';
import { geminiError, geminiErrorFields, geminiErrorFromResponse, parseGeminiBody } from './gemini-error.js';
import { GeminiStreamReader } from './gemini-stream-reader.js';
import { GeminiStreamState } from './gemini-stream-state.js';
import type { GeminiResponse } from './gemini-types.js';

function readCompletion(bytes: Buffer, request: ProviderRequest, nowMs: number): CallOutput {
  const apiKey = request.deployment.apiKey;
  if (request.kind === 'embedding') {
    const texts = embeddingTexts(request.body['input'], 'gemini/');
    return readGeminiEmbeddings(bytes, { model: request.deployment.model, texts, base64: request.body['encoding_format'] === 'base64', apiKey });
  }
  const body = parseGeminiBody(bytes);
  if (geminiErrorFields(body) !== undefined) throw geminiError(body, { fallbackMessage: 'the upstream reported an error', apiKey });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new APIConnectionError('malformed upstream response: not a Gemini GenerateContentResponse');
  }
  return toChatCompletion(body as GeminiResponse, request.deployment.model, Math.floor(nowMs / 1000));
}

function includeUsage(request: ProviderRequest): boolean {
  const options = request.body['stream_options'] as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true;
}

/**
 * Gemini (Google AI Studio, `gemini/<model>`): its own request, response, stream and error shapes,
 * translated; chat at `:generateContent`, embeddings at `:batchEmbedContents`. Text completions go
 * through the prompt-as-message mapping above the format.
 */
export const geminiWireFormat: WireFormat = {
  dispatchOptions: geminiDispatchOptions,
  readCompletion,
  kinds: new Set(['chat', 'embedding']),
  streamReader: (sink, request, nowMs) =>
    new GeminiStreamReader(sink, new GeminiStreamState(request.deployment.model, Math.floor(nowMs / 1000), includeUsage(request)), request.deployment.apiKey),
  errorFromResponse: (status, headers, text, nowMs, request) => geminiErrorFromResponse(status, headers, text, nowMs, request.deployment.apiKey),
  secretOf: (request) => request.deployment.apiKey,
};
