import type { ProviderRequest } from '../provider.js';
import type { WireFormat } from '../wire-format.js';
import { readAnthropicCompletion } from './anthropic-completion.js';
import { anthropicDispatchOptions } from './anthropic-dispatch-options.js';
import { anthropicErrorFromResponse } from './anthropic-error.js';
import { AnthropicStreamReader } from './anthropic-stream-reader.js';
import { AnthropicStreamState } from './anthropic-stream-state.js';

function includeUsage(request: ProviderRequest): boolean {
  const options = request.body['stream_options'] as { include_usage?: unknown } | null | undefined;
  return options?.include_usage === true;
}

/**
 * Anthropic's Messages API (`anthropic/<model>`): the OpenAI request translated to a Messages body
 * (`x-api-key`, `anthropic-version: 2023-06-01`), and its message, event stream and
 * `{"type": "error"}` bodies translated back to OpenAI completions, chunks and typed errors. The
 * clocks, retries, fallbacks and cooldowns above it are the same as for every provider (DESIGN §8).
 */
export const anthropicWireFormat: WireFormat = {
  dispatchOptions: anthropicDispatchOptions,
  readCompletion: (bytes, request, nowMs) => readAnthropicCompletion(bytes, request.deployment.model, nowMs, request.deployment.apiKey),
  streamReader: (sink, request, nowMs) =>
    new AnthropicStreamReader(
      sink,
      new AnthropicStreamState(request.deployment.model, Math.floor(nowMs / 1000), includeUsage(request), request.deployment.apiKey),
    ),
  errorFromResponse: (status, headers, text, nowMs, request) => anthropicErrorFromResponse(status, headers, text, nowMs, request.deployment.apiKey),
  secretOf: (request) => request.deployment.apiKey,
};
