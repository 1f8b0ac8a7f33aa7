import type { EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { createSseDecoder } from '../../src/providers/sse-decoder.js';

type Event = Pick<EventSourceMessage, 'data' | 'event'>;

function decode(pieces: readonly Uint8Array[]): Event[] {
  const events: Event[] = [];
  const decoder = createSseDecoder({
    onEvent: (event) => events.push({ data: event.data, event: event.event }),
    onError: (error) => {
      throw error;
    },
  });
  for (const piece of pieces) decoder.push(piece);
  decoder.end();
  return events;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Every way to cut `body` in two, plus byte by byte. */
function splits(body: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let at = 1; at < body.length; at += 1) out.push([body.subarray(0, at), body.subarray(at)]);
  out.push(Array.from(body, (byte) => Uint8Array.of(byte)));
  return out;
}

const lineEndings = { LF: '\n', CRLF: '\r\n', CR: '\r' } as const;

describe('createSseDecoder', () => {
  for (const [name, eol] of Object.entries(lineEndings)) {
    it(`decodes events framed with ${name} line endings`, () => {
      const body = `data: {"a":1}${eol}${eol}: keep-alive${eol}${eol}data: [DONE]${eol}${eol}`;
      expect(decode([bytes(body)]).map((event) => event.data)).toEqual(['{"a":1}', '[DONE]']);
    });
  }

  it('joins a multi-line data field with newlines', () => {
    const body = 'data: {"a":\ndata: 1}\n\n';
    expect(decode([bytes(body)]).map((event) => event.data)).toEqual(['{"a":\n1}']);
  });

  it('never delivers comments or retry fields as events', () => {
    const body = ': OPENROUTER PROCESSING\n\nretry: 1000\n\n:\n\ndata: x\n\n';
    expect(decode([bytes(body)]).map((event) => event.data)).toEqual(['x']);
  });

  it('keeps the event name', () => {
    expect(decode([bytes('event: error\ndata: {}\n\n')])).toEqual([{ data: '{}', event: 'error' }]);
  });

  it('gives the same events wherever the bytes are cut, even inside a multi-byte character or a CRLF', () => {
    const body = bytes('data: {"c":"héllo 🌍 世界"}\r\ndata: second line\r\n\r\n: note\r\n\r\ndata: ü\r\n\r\ndata: [DONE]\r\n\r\n');
    const whole = decode([body]);
    expect(whole.map((event) => event.data)).toEqual(['{"c":"héllo 🌍 世界"}\nsecond line', 'ü', '[DONE]']);
    for (const pieces of splits(body)) {
      expect(decode(pieces), `cut into ${pieces.map((piece) => piece.length).join('+')} bytes`).toEqual(whole);
    }
  });

  it('does not read a CR at the end of one buffer and the LF starting the next as two line ends', () => {
    const events = decode([bytes('data: a\r'), bytes('\ndata: b\r'), bytes('\n\r'), bytes('\n')]);
    expect(events.map((event) => event.data)).toEqual(['a\nb']);
  });

  it('dispatches a last event the body ended without its blank line', () => {
    expect(decode([bytes('data: one\n\ndata: [DONE]\n')]).map((event) => event.data)).toEqual(['one', '[DONE]']);
    expect(decode([bytes('data: one\n\ndata: [DONE]')]).map((event) => event.data)).toEqual(['one', '[DONE]']);
  });

  it('dispatches nothing more at the end of a body that ended cleanly', () => {
    expect(decode([bytes('data: one\n\n')]).map((event) => event.data)).toEqual(['one']);
  });

  it('turns a character cut off by the end of the body into a replacement character, not an exception', () => {
    const body = bytes('data: 🌍');
    expect(decode([body.subarray(0, body.length - 1)]).map((event) => event.data)).toEqual(['\uFFFD']);
  });

  it('ignores a byte order mark', () => {
    expect(decode([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), bytes('data: x\n\n')]).map((event) => event.data)).toEqual(['x']);
  });
  it('drops a byte order mark at the start of the stream, even split across buffers, and keeps one later on', () => {
    const body = bytes('\ufeffdata: {"a":1}\n\ndata: \ufeffx\n\n');
    for (const pieces of splits(body)) {
      expect(decode(pieces).map((event) => event.data)).toEqual(['{"a":1}', '\ufeffx']);
    }
  });
});
