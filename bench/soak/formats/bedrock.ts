/**
 * Bedrock's Converse wire format: `POST /model/<modelId>/converse` (a JSON Converse answer) and
 * `/converse-stream` (`application/vnd.amazon.eventstream` binary frames: `messageStart`,
 * `contentBlockDelta`..., `messageStop`, `metadata`; exception frames mid-stream); errors as
 * `{"message"}` bodies named by `x-amzn-errortype`.
 */
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { tokenOf } from '../tokens.js';
import { allTokens } from './openai.js';
import type { ErrorAnswer, SoakCall, SoakWireFormat, StatusFault } from './soak-wire-format.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const text = (value: string): MessageHeaders[string] => ({ type: 'string', value });

function frame(kind: 'event' | 'exception', type: string, payload: Uint8Array): Uint8Array {
  return codec.encode({
    headers: {
      [kind === 'event' ? ':event-type' : ':exception-type']: text(type),
      ':content-type': text('application/json'),
      ':message-type': text(kind),
    },
    body: payload,
  });
}

const eventFrame = (type: string, payload: unknown): Uint8Array => frame('event', type, fromUtf8(JSON.stringify(payload)));

function errorAnswer(fault: StatusFault): ErrorAnswer {
  const answer = (status: number, type: string, message: string, extra: Record<string, string> = {}): ErrorAnswer => ({
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...extra },
    body: JSON.stringify({ message }),
  });
  switch (fault) {
    case '429-retry-after':
      return answer(429, 'ThrottlingException', 'Too many requests, please wait before trying again.', { 'retry-after': '1' });
    case '429':
      return answer(429, 'ThrottlingException', 'Too many requests, please wait before trying again.');
    case '500':
      return answer(500, 'InternalServerException', 'The server encountered an internal error.');
    // Bedrock has no 529: an overloaded service is a 503 ServiceUnavailableException.
    case '503':
    case '529':
      return answer(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.');
  }
}

export const bedrockFormat: SoakWireFormat = {
  name: 'bedrock',
  route(path) {
    const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path);
    if (match === null) return undefined;
    return { endpoint: 'chat', stream: match[2] === 'converse-stream', model: decodeURIComponent(match[1] as string) };
  },
  json: (call) =>
    JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text: allTokens(call) }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 5, outputTokens: call.total, totalTokens: 5 + call.total },
      metrics: { latencyMs: 3 },
    }),
  errorAnswer,
  streamContentType: 'application/vnd.amazon.eventstream',
  opening: () => [eventFrame('messageStart', { role: 'assistant', p: 'abcd' })],
  token: (call, seq) => eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: tokenOf(call.id, seq, call.total) }, p: 'abcdefgh' }),
  closing: (call) => [
    eventFrame('contentBlockStop', { contentBlockIndex: 0, p: 'ab' }),
    eventFrame('messageStop', { stopReason: 'end_turn', p: 'abcdef' }),
    eventFrame('metadata', { usage: { inputTokens: 5, outputTokens: call.total, totalTokens: 5 + call.total }, metrics: { latencyMs: 3 } }),
  ],
  // A whole frame (both CRCs right) whose payload is not JSON.
  malformedFirst: () => frame('event', 'messageStart', fromUtf8('{"role": "assist')),
  // A frame whose message CRC is wrong: the last byte flipped.
  malformedMid: (call) => {
    const bytes = eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: `${call.id}:oops` } });
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    return bytes;
  },
  errorEvent: () => frame('exception', 'modelStreamErrorException', fromUtf8(JSON.stringify({ message: 'The model stream failed.', originalStatusCode: 500 }))),
};
