import { APIConnectionError } from '../../errors/error-classes.js';
import type { ChatCompletion } from '../../protocol/chat.js';
import type { ProviderRequest } from '../provider.js';
import type { WireFormat } from '../wire-format.js';
import { toChatCompletion } from './gemini-completion.js';
import { geminiDispatchOptions } from './gemini-dispatch-options.js';
import { geminiError, geminiErrorFields, geminiErrorFromResponse, parseGeminiBody } from './gemini-error.js';
import { GeminiStreamReader } from './gemini-stream-reader.js';
import { GeminiStreamState } from './gemini-stream-state.js';
import type { GeminiResponse } from './gemini-types.js';

function readCompletion(bytes: Buffer, request: ProviderRequest, nowMs: number): ChatCompletion {
  const body = parseGeminiBody(bytes);
  const apiKey = request.deployment.apiKey;
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

/** Gemini (Google AI Studio, `gemini/<model>`): its own request, response, stream and error shapes, translated. */
export const geminiWireFormat: WireFormat = {
  dispatchOptions: geminiDispatchOptions,
  readCompletion,
  streamReader: (sink, request, nowMs) =>
    new GeminiStreamReader(sink, new GeminiStreamState(request.deployment.model, Math.floor(nowMs / 1000), includeUsage(request)), request.deployment.apiKey),
  errorFromResponse: (status, headers, text, nowMs, request) => geminiErrorFromResponse(status, headers, text, nowMs, request.deployment.apiKey),
  secretOf: (request) => request.deployment.apiKey,
};
