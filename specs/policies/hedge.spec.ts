import { type Observable, takeUntil, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InternalServerError, ServiceUnavailableError } from '../../src/errors/error-classes.js';
import { hedge } from '../../src/policies/hedge.js';
import { createTestScheduler } from '../support/marbles.js';

const down = new ServiceUnavailableError('down');
const broken = new InternalServerError('broken');

describe('hedge', () => {
  it('starts the hedge at exactly `after` when the first source has delivered nothing', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const first = cold('  ----------a|');
      const second = cold('      --b|');
      const after = time('  ----|');
      const hedged = hedge({ after }, (index) => [first, second][index]);
      expectObservable(hedged).toBe('      ------b|');
      expectSubscriptions(first.subscriptions).toBe('^-----!');
      expectSubscriptions(second.subscriptions).toBe('----^--!');
    });
  });

  it('starts no hedge when the first source delivers content in time', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const first = cold(' --a---b|');
      const second = cold('b|');
      const hedged = hedge({ after: time('----|') }, (index) => [first, second][index]);
      expectObservable(hedged).toBe('--a---b|');
      expectSubscriptions(second.subscriptions).toBe([]);
    });
  });

  it("passes on the winner's values only, and unsubscribes the loser in the frame the winner delivered", () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const first = cold('  -------a-b-c|');
      const second = cold('    -x-y-z|');
      const hedged = hedge({ after: time('---|') }, (index) => [first, second][index]);
      expectObservable(hedged).toBe('    ----x-y-z|');
      expectSubscriptions(first.subscriptions).toBe('^---!');
      expectSubscriptions(second.subscriptions).toBe('---^-----!');
    });
  });

  it('lets the first source win when it delivers before the hedge does; the hedge is unsubscribed then', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const first = cold('  -----a-b|');
      const second = cold('    -----x|');
      const hedged = hedge({ after: time('---|') }, (index) => [first, second][index]);
      expectObservable(hedged).toBe('-----a-b|');
      expectSubscriptions(first.subscriptions).toBe('^-------!');
      expectSubscriptions(second.subscriptions).toBe('---^-!');
    });
  });

  it('holds values that are not content per source: a loser leaks none, the winner releases its own with its first content', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const first = cold('  -r------A|');
      const second = cold('    -s-B---|');
      const hedged = hedge({ after: time('---|'), isContent: (value: string) => value === value.toUpperCase() }, (index) => [first, second][index]);
      expectObservable(hedged).toBe('------(sB)|');
    });
  });

  it('goes on with the hedge when the first source fails before content, and fails only when every source has', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const after = time('--|');
      const survives = hedge({ after }, (index) => [cold('---#', undefined, down), cold('  ---a|')][index]);
      expectObservable(survives).toBe('-----a|');
      const bothFail = hedge({ after }, (index) => [cold('---#', undefined, down), cold('  ----#', undefined, broken)][index]);
      expectObservable(bothFail).toBe('------#', undefined, broken);
    });
  });

  it('fails at once when the only running source fails before the hedge is due', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const second = cold('a|');
      const hedged = hedge({ after: time('----|') }, (index) => [cold('-#', undefined, down), second][index]);
      expectObservable(hedged).toBe('-#', undefined, down);
      expectSubscriptions(second.subscriptions).toBe([]);
    });
  });

  it("passes the winner's error after its content: nothing is re-run or switched after the commit point", () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const hedged = hedge({ after: time('--|') }, (index) => [cold('-------a|'), cold('  -x-#', undefined, broken)][index]);
      expectObservable(hedged).toBe('---x-#', undefined, broken);
    });
  });

  it('starts up to maxHedges extra sources, one each `after` ms, and the first content of any wins', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const sources = [cold('----------a|'), cold('  ---------b|'), cold('    -c|'), cold('d|')];
      const won: [number, readonly number[]][] = [];
      const hedged = hedge({ after: time('--|'), maxHedges: 2, onWin: (winner, losers) => won.push([winner, losers]) }, (index) => sources[index]);
      expectObservable(hedged).toBe('-----c|');
      expectSubscriptions(sources[0]?.subscriptions ?? []).toBe('^----!');
      expectSubscriptions(sources[1]?.subscriptions ?? []).toBe('--^--!');
      expectSubscriptions(sources[2]?.subscriptions ?? []).toBe('----^-!');
      expectSubscriptions(sources[3]?.subscriptions ?? []).toBe([]);
      testScheduler.flush();
      expect(won).toEqual([[2, [0, 1]]]);
    });
  });

  it('skips a hedge the factory declines (no budget, no other deployment) and still offers the next one `after` later', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const asked: number[] = [];
      const hedged = hedge({ after: time('--|'), maxHedges: 2 }, (index) => {
        asked.push(index);
        return index === 0 ? cold('---------a|') : index === 1 ? undefined : cold('-b|');
      });
      expectObservable(hedged).toBe('-----b|');
      testScheduler.flush();
      expect(asked).toEqual([0, 1, 2]);
    });
  });

  it('is bounded by whatever cuts it from outside: the deadline unsubscribes every source at once', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable, expectSubscriptions, time }) => {
      const first = cold('  ------------a|');
      const second = cold('   ----------b|');
      const deadline$: Observable<never> = hot('-----#', undefined, down);
      const hedged = hedge({ after: time('--|') }, (index) => [first, second][index]).pipe(takeUntil(deadline$));
      expectObservable(hedged).toBe('-----#', undefined, down);
      expectSubscriptions(first.subscriptions).toBe('^----!');
      expectSubscriptions(second.subscriptions).toBe('--^--!');
    });
  });

  it('errors with what a hedge factory throws, unsubscribing the running sources', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions, time }) => {
      const first = cold('-------a|');
      const hedged = hedge({ after: time('--|') }, (index) => {
        if (index === 0) return first;
        throw broken;
      });
      expectObservable(hedged).toBe('--#', undefined, broken);
      expectSubscriptions(first.subscriptions).toBe('^-!');
    });
  });

  it('a source that completes without content wins as a whole (empty) answer', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, time }) => {
      const hedged = hedge({ after: time('--|') }, (index) => [cold('------a|'), cold('  -|')][index]);
      expectObservable(hedged).toBe('---|');
    });
  });

  it('with maxHedges 0 is the first source alone', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const hedged = hedge<string>({ after: 1, maxHedges: 0 }, (index) => (index === 0 ? cold<string>('-----a|') : throwError(() => broken)));
      expectObservable(hedged).toBe('-----a|');
    });
  });

  it('validates its options where it is written', () => {
    expect(() => hedge({ after: 0 }, () => undefined)).toThrow(/hedge: after must be a finite number of milliseconds > 0, got 0/);
    expect(() => hedge({ after: 10, maxHedges: 1.5 }, () => undefined)).toThrow(/hedge: maxHedges must be a whole number ≥ 0, got 1.5/);
  });
});
