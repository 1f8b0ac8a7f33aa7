import fc from 'fast-check';
import { describe, it } from 'vitest';
import { bodyOf, cutShortErrors, nothingAfterAnError, nothingAfterTheEnd, splitsAnywhere, wholeFrom } from '../support/stream-reader-checks.js';
import { formatsUnderTest } from '../support/wire-stream-arbitraries.js';

// DESIGN §8, for every provider adapter's stream reader alike: generated valid wire streams (the
// recorded fixtures with generated text, any Unicode) cut by the network anywhere, cut short, or
// followed by more bytes. Seeded like the Router properties (FC_SEED, FC_RUNS replay or explore).

const seedSetting = process.env['FC_SEED'];
const parameters: fc.Parameters<unknown> = {
  numRuns: Number(process.env['FC_RUNS'] ?? 100),
  ...(seedSetting === 'random' ? {} : { seed: Number(seedSetting ?? 20_261_202) }),
};

/** Up to 12 byte offsets into a body of `length` bytes (ends included). */
const cutsInto = (length: number) => fc.array(fc.integer({ min: 0, max: length }), { maxLength: 12 });

describe.each(formatsUnderTest())('$name stream reader (property-based)', ({ read, streams, errorFrame, errorStatus }) => {
  it('delivers the same chunks and completes exactly once, however the bytes are split (inside a character too)', () => {
    fc.assert(
      fc.property(
        streams.chain((stream) => fc.tuple(fc.constant(stream), cutsInto(bodyOf(stream).length))),
        ([stream, cuts]) => splitsAnywhere(read, bodyOf(stream), cuts),
      ),
      parameters,
    );
  });

  it('never completes a body cut short before its end marker: one RxllmError, and nothing after it', () => {
    fc.assert(
      fc.property(
        streams.chain((stream) => fc.integer({ min: 0, max: wholeFrom(stream) - 1 }).chain((cut) => fc.tuple(fc.constant(stream), fc.constant(cut), cutsInto(cut)))),
        ([stream, cut, cuts]) => cutShortErrors(read, stream, cut, cuts),
      ),
      parameters,
    );
  });

  it('delivers nothing after its complete, whatever bytes follow the stream', () => {
    fc.assert(
      fc.property(
        streams.chain((stream) =>
          fc
            .oneof(fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)), fc.constant(bodyOf(stream)), fc.constant(errorFrame))
            .chain((trailing) => fc.tuple(fc.constant(stream), fc.constant(trailing), cutsInto(bodyOf(stream).length + trailing.length))),
        ),
        ([stream, trailing, cuts]) => nothingAfterTheEnd(read, bodyOf(stream), trailing, cuts),
      ),
      parameters,
    );
  });

  it('delivers nothing after an error frame, whatever the stream sends after it', () => {
    fc.assert(
      fc.property(
        streams.chain((stream) =>
          fc
            .integer({ min: 0, max: stream.marker })
            .chain((before) => fc.tuple(fc.constant(stream), fc.constant(before), cutsInto(bodyOf(stream).length + errorFrame.length))),
        ),
        ([stream, before, cuts]) => nothingAfterAnError(read, stream, before, errorFrame, errorStatus, cuts),
      ),
      parameters,
    );
  });
});
