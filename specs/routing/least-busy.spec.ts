import { describe, expect, it } from 'vitest';
import { leastBusy } from '../../src/routing/least-busy.js';
import { answeredBy, chunk, createTestScheduler, deployment, fakeContext, fakeDeployment, fakeState, providerBy, request, routerFor } from './router-fixture.js';

describe('leastBusy', () => {
  const candidates = [fakeDeployment('a'), fakeDeployment('b'), fakeDeployment('c')];

  it('picks the deployment with the fewest attempts in flight', () => {
    const snapshots = [fakeState('a', { inFlight: 3 }), fakeState('b', { inFlight: 1 }), fakeState('c', { inFlight: 2 })];
    expect(leastBusy(candidates, snapshots, fakeContext(), () => 0)?.id).toBe('b');
  });

  it('breaks ties at random among the idlest only', () => {
    const snapshots = [fakeState('a', { inFlight: 1 }), fakeState('b', { inFlight: 0 }), fakeState('c', { inFlight: 0 })];
    expect(leastBusy(candidates, snapshots, fakeContext(), () => 0)?.id).toBe('b');
    expect(leastBusy(candidates, snapshots, fakeContext(), () => 0.99)?.id).toBe('c');
  });

  it('three held streams land on three different deployments; a fourth takes the first one freed', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // Every deployment streams one chunk at once, then holds the stream open for 10 ms.
      const router = routerFor(
        testScheduler,
        { routing_strategy: 'least-busy', model_list: ['a', 'b', 'c'].map((id) => deployment('g', id)) },
        { provider: providerBy(Object.fromEntries(['a', 'b', 'c'].map((id) => [id, () => cold('-x 9ms |', { x: chunk('hi', id) })]))) },
      );
      const stream = () => router.completion$(request('g', { stream: true })).pipe(answeredBy());

      // Each call starts after the previous one's first chunk: a stream counts until it ENDS.
      expectObservable(stream(), '       ^').toBe('           -a 9ms |');
      expectObservable(stream(), '       ---^').toBe('        ----b 9ms |');
      expectObservable(stream(), '       -----^').toBe('      ------c 9ms |');
      // At 12 ms a's stream has ended (11 ms), b's and c's have not.
      expectObservable(stream(), '       ------------^').toBe('-------------a 9ms |');
    });
  });

  it('an unsubscribed stream frees its deployment at once', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const router = routerFor(
        testScheduler,
        { routing_strategy: 'least-busy', model_list: ['a', 'b'].map((id) => deployment('g', id)) },
        { provider: providerBy(Object.fromEntries(['a', 'b'].map((id) => [id, () => cold('-x 99ms |', { x: chunk('hi', id) })]))) },
      );
      const stream = () => router.completion$(request('g', { stream: true })).pipe(answeredBy());

      expectObservable(stream(), '^--!').toBe('    -a-');
      expectObservable(stream(), '-^').toBe('     --b 99ms |');
      // a was given up at 3 ms: the next call goes to a, not to the busy b.
      expectObservable(stream(), '----^').toBe('   -----a 99ms |');
    });
  });
});
