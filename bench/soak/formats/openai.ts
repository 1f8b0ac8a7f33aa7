/**
 * OpenAI's wire format: `/v1/chat/completions`, `/v1/completions` (`text_completion` pieces) and
 * `/v1/embeddings`; SSE `data: {...}` ending in `data: [DONE]`; `{"error": {message, type, param,
 * code}}` error bodies. Azure (azure.ts) speaks the same bodies on its own paths.
 */
import { tokenOf } from '../tokens.js';
import type { ErrorAnswer, SoakCall, SoakEndpoint, SoakRoute, SoakWireFormat, StatusFault } from './soak-wire-format.js';

const created = 1_700_000_000;

export function openAIErrorBody(message: string, type: string, code: string | null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

export function openAIErrorAnswer(fault: StatusFault): ErrorAnswer {
  const json = { 'content-type': 'application/json' };
  switch (fault) {
    case '429-retry-after':
      return { status: 429, headers: { ...json, 'retry-after': '1' }, body: openAIErrorBody('Rate limit reached for requests', 'rate_limit_error', 'rate_limit_exceeded') };
    case '429':
      return { status: 429, headers: json, body: openAIErrorBody('Rate limit reached for requests', 'rate_limit_error', 'rate_limit_exceeded') };
    case '500':
      return { status: 500, headers: json, body: openAIErrorBody('The server had an error while processing your request', 'server_error', null) };
    case '503':
      return { status: 503, headers: json, body: openAIErrorBody('The engine is currently overloaded, please try again later', 'server_error', 'service_unavailable') };
    case '529':
      return { status: 529, headers: json, body: openAIErrorBody('Overloaded', 'overloaded_error', 'overloaded') };
  }
}

export function allTokens(call: SoakCall): string {
  let text = '';
  for (let seq = 0; seq < call.total; seq += 1) text += tokenOf(call.id, seq, call.total);
  return text;
}

/** A whole OpenAI answer of the call's endpoint. */
export function openAIJson(call: SoakCall): string {
  const usage = { prompt_tokens: 5, completion_tokens: call.total, total_tokens: 5 + call.total };
  switch (call.endpoint) {
    case 'embedding':
      return JSON.stringify({
        object: 'list',
        data: Array.from({ length: call.inputs }, (_, index) => ({ object: 'embedding', index, embedding: [call.id / 1000, index / 10, 0.5] })),
        model: call.model,
        usage: { prompt_tokens: call.inputs, total_tokens: call.inputs },
      });
    case 'completion':
      return JSON.stringify({
        id: `cmpl-soak-${call.id}`,
        object: 'text_completion',
        created,
        model: call.model,
        choices: [{ index: 0, text: allTokens(call), finish_reason: 'stop', logprobs: null }],
        usage,
      });
    case 'chat':
      return JSON.stringify({
        id: `chatcmpl-soak-${call.id}`,
        object: 'chat.completion',
        created,
        model: call.model,
        choices: [{ index: 0, message: { role: 'assistant', content: allTokens(call) }, finish_reason: 'stop', logprobs: null }],
        usage,
      });
  }
}

/** One SSE chunk of the call's endpoint: a chat delta or a completion's text. */
export function openAIChunk(call: SoakCall, piece: { role?: string; content?: string }, finishReason: string | null): string {
  const data =
    call.endpoint === 'completion'
      ? { id: `cmpl-soak-${call.id}`, object: 'text_completion', created, model: call.model, choices: [{ index: 0, text: piece.content ?? '', finish_reason: finishReason, logprobs: null }] }
      : { id: `chatcmpl-soak-${call.id}`, object: 'chat.completion.chunk', created, model: call.model, choices: [{ index: 0, delta: piece, finish_reason: finishReason, logprobs: null }] };
  return `data: ${JSON.stringify(data)}\n\n`;
}

const endpointPaths: Readonly<Record<string, SoakEndpoint>> = {
  '/chat/completions': 'chat',
  '/completions': 'completion',
  '/embeddings': 'embedding',
};

/** The endpoint a path ends with (`.../chat/completions`, `.../completions`, `.../embeddings`). */
export function openAIEndpointOf(tail: string): SoakEndpoint | undefined {
  return endpointPaths[tail];
}

export function openAIRoute(endpoint: SoakEndpoint, body: Readonly<Record<string, unknown>>, model: string): SoakRoute {
  return { endpoint, stream: endpoint !== 'embedding' && body['stream'] === true, model };
}

/** The stream pieces both OpenAI and Azure send. */
export const openAIStream = {
  streamContentType: 'text/event-stream',
  token: (call: SoakCall, seq: number) => openAIChunk(call, { content: tokenOf(call.id, seq, call.total) }, null),
  closing: (call: SoakCall) => [openAIChunk(call, {}, 'stop'), 'data: [DONE]\n\n'],
  malformedFirst: (call: SoakCall) => `data: {"id":"chatcmpl-soak-${call.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content\n\n`,
  malformedMid: (call: SoakCall) => `data: {"id":"chatcmpl-soak-${call.id}","choices":[{"index":0,"delta":{"content":"oops"}\n\n`,
  errorEvent: () => `data: ${openAIErrorBody('The server had an error while processing your request', 'server_error', null)}\n\n`,
} as const;

export const openAIFormat: SoakWireFormat = {
  name: 'openai',
  route(path, _query, body) {
    const endpoint = openAIEndpointOf(path.replace(/^\/v1/, ''));
    if (endpoint === undefined) return undefined;
    return openAIRoute(endpoint, body, typeof body['model'] === 'string' ? body['model'] : 'soak');
  },
  json: openAIJson,
  errorAnswer: openAIErrorAnswer,
  opening: (call) => (call.endpoint === 'chat' ? [openAIChunk(call, { role: 'assistant', content: '' }, null)] : []),
  ...openAIStream,
};
