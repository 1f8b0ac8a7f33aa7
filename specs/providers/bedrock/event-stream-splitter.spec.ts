import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventStreamSplitter } from '../../../src/providers/bedrock/event-stream-splitter.js';
import { encodeFrame, textFrames } from '../../support/fake-bedrock.js';

const frames = textFrames('one two three four').map((frame) => Buffer.from(encodeFrame(frame)));
const body = Buffer.concat(frames);

describe('EventStreamSplitter', () => {
  it('gives back each message whole, however the network cut the body', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: body.length - 1 }), { maxLength: 12 }), (cuts) => {
        const splitter = new EventStreamSplitter();
        const points = [0, ...cuts.sort((a, b) => a - b), body.length];
        const messages = points.slice(1).flatMap((end, index) => splitter.push(body.subarray(points[index], end)));
        expect(messages.map((message) => Buffer.from(message))).toEqual(frames);
        expect(splitter.pending).toBe(0);
      }),
    );
  });

  it('holds the bytes of a message not yet whole', () => {
    const splitter = new EventStreamSplitter();
    expect(splitter.push(body.subarray(0, (frames[0]?.length ?? 0) + 3))).toHaveLength(1);
    expect(splitter.pending).toBe(3);
  });

  it('refuses a prelude announcing an impossible length', () => {
    expect(() => new EventStreamSplitter().push(Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]))).toThrow(/4 bytes/);
    expect(() => new EventStreamSplitter().push(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/expected/);
  });

  it('gives back the whole messages before an impossible prelude, then refuses to read on', () => {
    const splitter = new EventStreamSplitter();
    expect(splitter.push(Buffer.concat([frames[0]!, Buffer.from([0, 0, 0, 4])])).map((message) => Buffer.from(message))).toEqual([frames[0]]);
    expect(splitter.failure?.message).toMatch(/4 bytes/);
    expect(() => splitter.push(frames[1]!)).toThrow(/4 bytes/);
  });
});
