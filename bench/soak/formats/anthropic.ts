/**
 * Anthropic's Messages wire format: `POST /v1/messages` (a `message` object) and its SSE event
 * sequence `message_start`, `content_block_start`, `ping`, `content_block_delta`...,
 * `content_block_stop`, `message_delta`, `message_stop`; errors as `{"type": "error", "error":
 * {type, message}}` (429 `rate_limit_error` with `retry-after`, 500 `api_error`, 529
 * `overloaded_error`), the same body as an `event: error` mid-stream.
 */
import { tokenOf } from '../tokens.js';
import { allTokens } from './openai.js';
import type { ErrorAnswer, SoakCall, SoakWireFormat, StatusFault } from './soak-wire-format.js';

const errorBody = (type: string, message: string): string => JSON.stringify({ type: 'error', error: { type, message } });
const json = { 'content-type': 'application/json', 'request-id': 'req_soak' };

function errorAnswer(fault: StatusFault): ErrorAnswer {
  switch (fault) {
    case '429-retry-after':
      return { status: 429, headers: { ...json, 'retry-after': '1' }, body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit') };
    case '429':
      return { status: 429, headers: json, body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit') };
    case '500':
      return { status: 500, headers: json, body: errorBody('api_error', 'Internal server error') };
    case '503':
      return { status: 503, headers: json, body: errorBody('api_error', 'Service unavailable') };
    case '529':
      return { status: 529, headers: json, body: errorBody('overloaded_error', 'Overloaded') };
  }
}

const event = (type: string, data: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

export const anthropicFormat: SoakWireFormat = {
  name: 'anthropic',
  route(path, _query, body) {
    if (path !== '/v1/messages') return undefined;
    return { endpoint: 'chat', stream: body['stream'] === true, model: typeof body['model'] === 'string' ? body['model'] : 'soak' };
  },
  json: (call) =>
    JSON.stringify({
      id: `msg_soak_${call.id}`,
      type: 'message',
      role: 'assistant',
      model: call.model,
      content: [{ type: 'text', text: allTokens(call) }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: call.total },
    }),
  errorAnswer,
  streamContentType: 'text/event-stream; charset=utf-8',
  opening: (call) => [
    event('message_start', {
      message: { id: `msg_soak_${call.id}`, type: 'message', role: 'assistant', model: call.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } },
    }),
    event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    event('ping', {}),
  ],
  token: (call, seq) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: tokenOf(call.id, seq, call.total) } }),
  closing: (call) => [
    event('content_block_stop', { index: 0 }),
    event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: call.total } }),
    event('message_stop', {}),
  ],
  malformedFirst: () => 'event: message_start\ndata: {"type": "message_start", "message": {"id": \n\n',
  malformedMid: () => 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "oops"\n\n',
  errorEvent: () => `event: error\ndata: ${errorBody('overloaded_error', 'Overloaded')}\n\n`,
};
