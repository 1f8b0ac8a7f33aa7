import { ChunkStreamReader } from '../chunk-stream-reader.js';
import { errorFromResponse } from '../error-from-response.js';
import type { ProviderRequest } from '../provider.js';
import { readCompletion } from '../read-completion.js';
import type { WireFormat } from '../wire-format.js';
import { azureDispatchOptions } from './azure-dispatch-options.js';

/** The key, else the Entra ID token: whichever was sent is what an echo must not show. */
function secretOf(request: ProviderRequest): string | undefined {
  const { apiKey, azureAdToken } = request.deployment;
  return apiKey !== undefined && apiKey !== '' ? apiKey : azureAdToken;
}

/**
 * Azure OpenAI: OpenAI's wire format at Azure's URL with Azure's auth. Its stream opens with a
 * content-free `choices: []` chunk carrying `prompt_filter_results`, and its chunks carry
 * `content_filter_results`: both pass through, and neither counts as a first chunk (the clocks read
 * `isContentChunk`). A 400 with `code: content_filter` is a `ContentPolicyViolationError`, so
 * `content_policy_fallbacks` apply; `finish_reason: content_filter` passes through.
 */
export const azureWireFormat: WireFormat = {
  dispatchOptions: azureDispatchOptions,
  readCompletion: (bytes, request) => readCompletion(bytes, secretOf(request), request.kind ?? 'chat'),
  kinds: new Set(['chat', 'text_completion', 'embedding']),
  streamReader: (sink, request) => new ChunkStreamReader(sink, secretOf(request)),
  errorFromResponse: (status, headers, text, nowMs, request) => errorFromResponse(status, headers, text, nowMs, secretOf(request)),
  secretOf,
};
