// DESIGN §8's promises of every provider's stream reader, as checks over what its sink was told:
// the bytes may be cut anywhere by the network and the chunks stay the same; a body cut short never
// looks whole; nothing is delivered after the stream's complete or error, whatever bytes follow.
// The recording sink keeps every call, also those made after it closed, so a reader that ignores
// `closed` is caught rather than excused.
import { expect } from 'vitest';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { ChatCompletionChunk } from '../../src/protocol/chat.js';
import type { ChunkSink } from '../../src/providers/chunk-stream-reader.js';
import type { StreamBodyReader } from '../../src/providers/wire-format.js';

/** Makes a fresh reader delivering to `sink` (one per read: readers keep state). */
export type ReaderFactory = (sink: ChunkSink) => StreamBodyReader;

/** One call the reader made on its sink. */
export type SinkCall = { readonly type: 'next'; readonly chunk: ChatCompletionChunk } | { readonly type: 'complete' } | { readonly type: 'error'; readonly error: unknown };

/**
 * A valid body as its frames (SSE events, event-stream messages), and which frame makes it whole:
 * the end marker (`[DONE]` or the finish, `message_stop`, the `finishReason`, `messageStop`).
 */
export interface WireStream {
  readonly frames: readonly Buffer[];
  readonly marker: number;
  /** Bytes of the marker frame up to the end of its payload (a cut before them truncates it). */
  readonly markerPayload: number;
}

export function bodyOf(stream: WireStream): Buffer {
  return Buffer.concat(stream.frames);
}

/** The offset of the first byte past the marker's payload: every shorter body is cut short. */
export function wholeFrom(stream: WireStream): number {
  return Buffer.concat(stream.frames.slice(0, stream.marker)).length + stream.markerPayload;
}

/** `body` cut at `cuts` (byte offsets, any order, repeats allowed), as the network may deliver it. */
export function piecesOf(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [0, ...[...cuts].map((cut) => Math.min(Math.max(cut, 0), body.length)).sort((a, b) => a - b), body.length];
  return points.slice(1).map((end, index) => body.subarray(points[index], end));
}

/** Feeds `pieces` to a new reader, then ends the body unless `end` is false; every sink call, in order. */
export function readPieces(read: ReaderFactory, pieces: readonly Buffer[], end = true): SinkCall[] {
  const calls: SinkCall[] = [];
  const sink: ChunkSink = {
    get closed() {
      return calls.some((call) => call.type !== 'next');
    },
    next: (chunk) => calls.push({ type: 'next', chunk }),
    complete: () => calls.push({ type: 'complete' }),
    error: (error) => calls.push({ type: 'error', error }),
  };
  const reader = read(sink);
  for (const piece of pieces) reader.push(piece);
  if (end) reader.end();
  return calls;
}

/**
 * The chunks among `calls`, each id replaced by the order of its first appearance: some readers
 * mint a fresh id per stream (Bedrock), and two reads of one body are two streams; which chunks
 * share an id must still agree (Azure's filter chunk has its own, empty, id).
 */
export function chunksOf(calls: readonly SinkCall[]): ChatCompletionChunk[] {
  const ids: string[] = [];
  return calls.flatMap((call) => {
    if (call.type !== 'next') return [];
    if (!ids.includes(call.chunk.id)) ids.push(call.chunk.id);
    return [{ ...call.chunk, id: `#${ids.indexOf(call.chunk.id)}` }];
  });
}

/** One terminal call, the last one: nothing before it was terminal, nothing came after it. */
function endsOnce(calls: readonly SinkCall[]): SinkCall {
  const terminals = calls.filter((call) => call.type !== 'next');
  expect(terminals.map((call) => call.type), 'terminal calls').toHaveLength(1);
  const last = calls[calls.length - 1];
  expect(last?.type, 'the last sink call').not.toBe('next');
  return last as SinkCall;
}

/** The stream read in one piece: its chunks, and a complete. (A fixture that is not whole is a spec bug.) */
export function readWhole(read: ReaderFactory, body: Buffer): SinkCall[] {
  const calls = readPieces(read, [body]);
  expect(endsOnce(calls).type, 'a whole stream read in one piece').toBe('complete');
  return calls;
}

/** However the network cut the bytes (inside a character too), the same chunks, and one complete. */
export function splitsAnywhere(read: ReaderFactory, body: Buffer, cuts: readonly number[]): void {
  const whole = readWhole(read, body);
  const calls = readPieces(read, piecesOf(body, cuts));
  expect(endsOnce(calls).type).toBe('complete');
  expect(chunksOf(calls)).toEqual(chunksOf(whole));
}

/**
 * Cut short at `cut` (any offset before the end of the marker's payload) and then closed, the body
 * never completes: one `RxllmError`, the last thing delivered, after chunks the whole stream begins with.
 */
export function cutShortErrors(read: ReaderFactory, stream: WireStream, cut: number, cuts: readonly number[]): void {
  const body = bodyOf(stream);
  expect(cut).toBeLessThan(wholeFrom(stream));
  const calls = readPieces(read, piecesOf(body.subarray(0, cut), cuts));
  const last = endsOnce(calls);
  expect(last.type, `body cut at ${cut} of ${body.length} (whole from ${wholeFrom(stream)})`).toBe('error');
  expect(last.type === 'error' && last.error instanceof RxllmError).toBe(true);
  const chunks = chunksOf(calls);
  expect(chunks).toEqual(chunksOf(readWhole(read, body)).slice(0, chunks.length));
}

/**
 * Whatever bytes follow a whole stream, one terminal and nothing after it. A stream that completed
 * as its marker arrived (before the body ended) is deaf to them: the very same chunks. One that is
 * whole only at the end of its body (Gemini, an OpenAI stream without `[DONE]`) reads them as more
 * of the stream, so it may go on or error, but it begins with the whole stream's chunks.
 */
export function nothingAfterTheEnd(read: ReaderFactory, body: Buffer, trailing: Buffer, cuts: readonly number[]): void {
  const whole = readWhole(read, body);
  const completesAtMarker = readPieces(read, [body], false).some((call) => call.type === 'complete');
  const calls = readPieces(read, piecesOf(Buffer.concat([body, trailing]), cuts));
  const last = endsOnce(calls);
  if (last.type === 'error') expect(last.error).toBeInstanceOf(RxllmError);
  const expected = chunksOf(whole);
  if (completesAtMarker) {
    expect(last.type).toBe('complete');
    expect(chunksOf(calls)).toEqual(expected);
  } else {
    expect(chunksOf(calls).slice(0, expected.length)).toEqual(expected);
  }
}

/**
 * An error frame after the first `before` frames: one `RxllmError` (of `status`) right after the
 * chunks of those frames, and nothing after it, whatever the rest of the stream still sends.
 */
export function nothingAfterAnError(read: ReaderFactory, stream: WireStream, before: number, errorFrame: Buffer, status: number, cuts: readonly number[]): void {
  const head = Buffer.concat(stream.frames.slice(0, before));
  const body = Buffer.concat([head, errorFrame, ...stream.frames.slice(before)]);
  const calls = readPieces(read, piecesOf(body, cuts));
  const last = endsOnce(calls);
  expect(last.type).toBe('error');
  expect(last.type === 'error' && last.error instanceof RxllmError && last.error.status).toBe(status);
  expect(chunksOf(calls)).toEqual(chunksOf(readPieces(read, [head], false)));
}
