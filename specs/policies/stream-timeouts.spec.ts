import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatCompletionDelta } from '../../src/protocol/chat.js';
import { streamTimeouts } from '../../src/policies/stream-timeouts.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';

function chunk(delta: ChatCompletionDelta, finishReason: string | null = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'gpt-4o',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** r: the role-only chunk; e: an empty delta; c, d: text; f: a finish_reason with an empty delta. */
const chunks = {
  r: chunk({ role: 'assistant', content: '' }),
  e: chunk({}),
  c: chunk({ content: 'Hel' }),
  d: chunk({ content: 'lo' }),
  f: chunk({}, 'stop'),
};

const firstChunkTimedOut = timeoutErrorShape('first_chunk_timeout');
const idleTimedOut = timeoutErrorShape('idle_timeout');

describe('streamTimeouts', () => {
  it('errors with first_chunk_timeout when only a role-only chunk arrives in time: it does not stop the clock', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      -r-e-----c|', chunks);
      const first = time('       -----|');
      const expected = '         -----#';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(streamTimeouts({ first, scheduler: testScheduler }))).toBe(expected, chunks, firstChunkTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('keeps the content definition of the first chunk when the idle clock is set too', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      r-e-e-e-e-c|', chunks);
      const first = time('       -----|');
      const idle = time('        --|');
      const expected = '         -----#';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(streamTimeouts({ first, idle, scheduler: testScheduler }))).toBe(
        expected,
        chunks,
        firstChunkTimedOut,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('releases held content-free chunks together with the first content chunk in time', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      -r-c-----d|', chunks);
      const first = time('       -----|');
      const expected = '         ---(rc)--d|';

      expectObservable(source.pipe(streamTimeouts({ first, scheduler: testScheduler }))).toBe(expected, chunks);
    });
  });

  it('counts a finish_reason-only chunk as the first chunk: it stops the clock', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      -r-f-------|', chunks);
      const first = time('       -----|');
      const expected = '         ---(rf)----|';

      expectObservable(source.pipe(streamTimeouts({ first, scheduler: testScheduler }))).toBe(expected, chunks);
    });
  });

  it('errors with idle_timeout when the stream stalls after the first content chunk', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      c-d--------d|', chunks);
      const idle = time('          ----|');
      const expected = '         c-d---#';
      const subscriptions = '    ^-----!';

      expectObservable(source.pipe(streamTimeouts({ first: 10, idle, scheduler: testScheduler }))).toBe(
        expected,
        chunks,
        idleTimedOut,
      );
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('starts the idle clock with the first content chunk, not with a content-free one', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const source = cold('      r-------c---------|', chunks);
      const idle = time('                 -----|');
      const expected = '         --------(rc)-#';
      const subscriptions = '    ^------------!';

      expectObservable(source.pipe(streamTimeouts({ idle, scheduler: testScheduler }))).toBe(expected, chunks, idleTimedOut);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('lets any chunk after the first reset the idle clock, content-free ones included', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      c--e--e--d|', chunks);
      const idle = time('        ---|');
      const expected = '         c--e--e--d|';

      expectObservable(source.pipe(streamTimeouts({ first: 1, idle, scheduler: testScheduler }))).toBe(expected, chunks);
    });
  });

  it('stops the first-chunk clock once the first chunk came: a slow stream after it is not cut without idle', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      -c----------d|', chunks);
      const first = time('       --|');
      const expected = '         -c----------d|';

      expectObservable(source.pipe(streamTimeouts({ first, scheduler: testScheduler }))).toBe(expected, chunks);
    });
  });

  it('only holds when neither clock is set', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      r------------c-----------------d|', chunks);
      const expected = '         -------------(rc)--------------d|';

      expectObservable(source.pipe(streamTimeouts({ scheduler: testScheduler }))).toBe(expected, chunks);
    });
  });

  it('uses asyncScheduler by default, which TestScheduler.run virtualises', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const source = cold('      r------c|', chunks);
      const first = time('       ---|');
      const expected = '         ---#';

      expectObservable(source.pipe(streamTimeouts({ first }))).toBe(expected, chunks, firstChunkTimedOut);
    });
  });

  it.each([{ first: 0 }, { idle: -1 }, { first: Number.NaN, idle: 5 }])('throws a TypeError when it is created with %o', (options) => {
    expect(() => streamTimeouts(options)).toThrow(TypeError);
  });
});
