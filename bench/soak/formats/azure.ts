/**
 * Azure OpenAI's wire format: OpenAI's bodies on `/openai/deployments/<deployment>/{chat/completions,
 * completions,embeddings}?api-version=...`, plus its content-filter annotations: a stream opens with
 * a `prompt_filter_results` chunk whose `choices` is empty (no content: it must not satisfy the
 * first-chunk clock).
 */
import { openAIChunk, openAIEndpointOf, openAIErrorAnswer, openAIJson, openAIRoute, openAIStream } from './openai.js';
import type { SoakWireFormat } from './soak-wire-format.js';

const safe = { filtered: false, severity: 'safe' };
const promptFilterResults = [{ prompt_index: 0, content_filter_results: { hate: safe, self_harm: safe, sexual: safe, violence: safe } }];

export const azureFormat: SoakWireFormat = {
  name: 'azure',
  route(path, query, body) {
    const match = /^\/openai\/deployments\/([^/]+)(\/.+)$/.exec(path);
    if (match === null || query.get('api-version') === null) return undefined;
    const endpoint = openAIEndpointOf(match[2] as string);
    return endpoint === undefined ? undefined : openAIRoute(endpoint, body, decodeURIComponent(match[1] as string));
  },
  json(call) {
    const answer = JSON.parse(openAIJson(call)) as Record<string, unknown>;
    return JSON.stringify(call.endpoint === 'embedding' ? answer : { ...answer, prompt_filter_results: promptFilterResults });
  },
  errorAnswer: openAIErrorAnswer,
  opening(call) {
    const filters = `data: ${JSON.stringify({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: promptFilterResults })}\n\n`;
    return call.endpoint === 'chat' ? [filters, openAIChunk(call, { role: 'assistant', content: '' }, null)] : [filters];
  },
  ...openAIStream,
};
