import { describe, expect, it } from 'vitest';
import { holdUntilContent } from '../../src/policies/hold-until-content.js';
import { createTestScheduler } from '../support/marbles.js';

// r and e stand for content-free values (a role-only chunk, an empty delta); c and d carry content.
const isContent = (value: string): boolean => value === 'c' || value === 'd';

describe('holdUntilContent', () => {
  it('holds content-free values and releases them, in order, together with the first content value', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      -r-e--c----d|');
      const expected = '         ------(rec)d|';
      const subscriptions = '    ^-----------!';

      expectObservable(source.pipe(holdUntilContent(isContent))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('passes every value straight through after the first content value, content-free ones too', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      c-r-e-d|');
      const expected = '         c-r-e-d|';

      expectObservable(source.pipe(holdUntilContent(isContent))).toBe(expected);
    });
  });

  it('flushes the held values when the source completes without content', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      -r-e|');
      const expected = '         ----(re|)';

      expectObservable(source.pipe(holdUntilContent(isContent))).toBe(expected);
    });
  });

  it('drops the held values when the source errors before content (nothing was committed)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      -r-e#');
      const expected = '         ----#';

      expectObservable(source.pipe(holdUntilContent(isContent))).toBe(expected);
    });
  });

  it('emits nothing while it holds, and unsubscribes the source when the subscriber does', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('      -r-e----c|');
      const unsubscribe = '      ^----!';
      const expected = '         ------';
      const subscriptions = '    ^----!';

      expectObservable(source.pipe(holdUntilContent(isContent)), unsubscribe).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subscriptions);
    });
  });

  it('holds afresh for each subscription', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const held$ = cold('r-c---|').pipe(holdUntilContent(isContent));
      expectObservable(held$, '^').toBe('   --(rc)|');
      expectObservable(held$, '-^').toBe('  ---(rc)|');
    });
  });

  it('never asks isContent about values after the first content value', () => {
    const testScheduler = createTestScheduler();
    const asked: string[] = [];
    const recording = (value: string): boolean => {
      asked.push(value);
      return isContent(value);
    };
    testScheduler.run(({ cold, expectObservable }) => {
      const source = cold('      r-c-----d-r|');
      const expected = '         --(rc)--d-r|';

      expectObservable(source.pipe(holdUntilContent(recording))).toBe(expected);
    });
    expect(asked).toEqual(['r', 'c']);
  });
});
