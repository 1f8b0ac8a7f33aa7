import { chatDispatchOptions } from './chat-dispatch-options.js';
import { ChunkStreamReader } from './chunk-stream-reader.js';
import { errorFromResponse } from './error-from-response.js';
import { readCompletion } from './read-completion.js';
import type { WireFormat } from './wire-format.js';

/**
 * OpenAI's chat-completions wire format: the body as it is, `Authorization: Bearer`, SSE chunks
 * passed on as they came (with their JSON text, for the proxy), `{"error": {...}}` bodies.
 */
export const openAIWireFormat: WireFormat = {
  dispatchOptions: chatDispatchOptions,
  readCompletion: (bytes, request) => readCompletion(bytes, request.deployment.apiKey, request.kind ?? 'chat'),
  kinds: new Set(['chat', 'text_completion', 'embedding']),
  streamReader: (sink, request) => new ChunkStreamReader(sink, request.deployment.apiKey),
  errorFromResponse: (status, headers, text, nowMs, request) => errorFromResponse(status, headers, text, nowMs, request.deployment.apiKey),
  secretOf: (request) => request.deployment.apiKey,
};
