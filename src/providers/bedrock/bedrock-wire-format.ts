import type { ProviderRequest } from '../provider.js';
import type { WireFormat } from '../wire-format.js';
import { bedrockDispatchOptions } from './bedrock-dispatch-options.js';
import { readBedrockEmbeddings } from './bedrock-embeddings.js';
import { bedrockErrorFromResponse } from './bedrock-error.js';
import { ConverseStreamReader } from './converse-stream-reader.js';
import { readConverseCompletion } from './read-converse-completion.js';

/**
 * What an upstream could echo back: the bearer token, the session token sent in
 * `x-amz-security-token`, and the access key id named in the signature. The secret key itself never
 * leaves the process.
 */
function secretsOf(request: ProviderRequest): (string | undefined)[] {
  const { apiKey, awsCredentials } = request.deployment;
  return [apiKey, awsCredentials?.sessionToken, awsCredentials?.accessKeyId];
}

function includeUsage(request: ProviderRequest): boolean {
  const options = request.body['stream_options'];
  return typeof options === 'object' && options !== null && (options as { include_usage?: unknown }).include_usage === true;
}

/**
 * Amazon Bedrock's Converse API (`bedrock/<modelId>`): OpenAI requests translated to Converse
 * bodies, signed with SigV4 (or a Bedrock API key as Bearer); answers, ConverseStream's binary event
 * stream and `x-amzn-errortype` errors translated back. Embeddings go through InvokeModel (Titan and
 * Cohere bodies); text completions through the prompt-as-message mapping above the format.
 * `messageStart` is content-free, so it never
 * satisfies the first-chunk clock; a stream without `messageStop` was cut short (DESIGN §8).
 */
export const bedrockWireFormat: WireFormat = {
  dispatchOptions: bedrockDispatchOptions,
  readCompletion: (bytes, request, nowMs, headers) =>
    request.kind === 'embedding' ? readBedrockEmbeddings(bytes, request, headers) : readConverseCompletion(bytes, request.deployment.model, nowMs),
  kinds: new Set(['chat', 'embedding']),
  streamReader: (sink, request, nowMs) =>
    new ConverseStreamReader(sink, { model: request.deployment.model, includeUsage: includeUsage(request), nowMs, secrets: secretsOf(request) }),
  errorFromResponse: (status, headers, text, nowMs, request) => bedrockErrorFromResponse(status, headers, text, nowMs, secretsOf(request)),
  secretOf: (request) => request.deployment.apiKey ?? request.deployment.awsCredentials?.sessionToken,
};
