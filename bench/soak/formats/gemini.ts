/**
 * Gemini's wire format: `/v1beta/models/<m>:generateContent` (a GenerateContentResponse) and
 * `:streamGenerateContent?alt=sse` (SSE `data:` events, each a GenerateContentResponse; the stream
 * ends at EOF after a candidate with a `finishReason`, no end marker); errors as google.rpc bodies
 * `{"error": {code, message, status, details}}`, the 429's retry hint in `RetryInfo.retryDelay`.
 */
import { tokenOf } from '../tokens.js';
import { allTokens } from './openai.js';
import type { ErrorAnswer, SoakCall, SoakWireFormat, StatusFault } from './soak-wire-format.js';

function rpcError(code: number, status: string, message: string, details?: readonly unknown[]): string {
  return JSON.stringify({ error: { code, message, status, ...(details === undefined ? {} : { details }) } });
}

const json = { 'content-type': 'application/json; charset=UTF-8' };

function errorAnswer(fault: StatusFault): ErrorAnswer {
  switch (fault) {
    case '429-retry-after':
      return {
        status: 429,
        headers: json,
        body: rpcError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' },
        ]),
      };
    case '429':
      return { status: 429, headers: json, body: rpcError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).') };
    case '500':
      return { status: 500, headers: json, body: rpcError(500, 'INTERNAL', 'An internal error has occurred.') };
    // Gemini has no 529: an overloaded model is a 503 UNAVAILABLE.
    case '503':
    case '529':
      return { status: 503, headers: json, body: rpcError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') };
  }
}

function response(call: SoakCall, text: string, finishReason?: string): Record<string, unknown> {
  return {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, index: 0, ...(finishReason === undefined ? {} : { finishReason }) }],
    ...(finishReason === undefined ? {} : { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: call.total, totalTokenCount: 5 + call.total } }),
    modelVersion: call.model,
  };
}

const event = (data: unknown): string => `data: ${JSON.stringify(data)}\r\n\r\n`;

export const geminiFormat: SoakWireFormat = {
  name: 'gemini',
  route(path, query) {
    const match = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
    if (match === null) return undefined;
    const stream = match[2] === 'streamGenerateContent';
    if (stream && query.get('alt') !== 'sse') return undefined;
    return { endpoint: 'chat', stream, model: decodeURIComponent(match[1] as string) };
  },
  json: (call) => JSON.stringify(response(call, allTokens(call), 'STOP')),
  errorAnswer,
  streamContentType: 'text/event-stream',
  opening: () => [],
  token: (call, seq) => event(response(call, tokenOf(call.id, seq, call.total))),
  // The last event carries the finishReason (and here no text) and the usage; then EOF.
  closing: (call) => [event(response(call, '', 'STOP'))],
  malformedFirst: () => 'data: {"candidates": [{"content": {"parts": [{"text": "\r\n\r\n',
  malformedMid: () => 'data: {"candidates": [{"content": {"parts": [{"text": "oops"}]}\r\n\r\n',
  errorEvent: () => event(JSON.parse(rpcError(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'))),
};
