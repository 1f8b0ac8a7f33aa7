import { noop } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { costBasedRouting } from '../../src/routing/cost-based-routing.js';
import { createTestScheduler, deployment, describeEvent, fakeContext, fakeDeployment, fakeState, request, routerFor } from './router-fixture.js';

const pick = (candidates: ReturnType<typeof fakeDeployment>[], random = () => 0) =>
  costBasedRouting(candidates, candidates.map((candidate) => fakeState(candidate.id)), fakeContext(), random)?.id;

describe('costBasedRouting', () => {
  it('picks the cheapest by input_cost_per_token + output_cost_per_token', () => {
    const candidates = [
      fakeDeployment('a', { inputCostPerToken: 1e-6, outputCostPerToken: 4e-6 }),
      fakeDeployment('b', { inputCostPerToken: 3e-6, outputCostPerToken: 1e-6 }),
      fakeDeployment('c', { inputCostPerToken: 0.5e-6, outputCostPerToken: 5e-6 }),
    ];
    expect(pick(candidates)).toBe('b');
  });

  it('puts a deployment of unknown cost last, and one with a single known price after the fully priced', () => {
    const candidates = [
      fakeDeployment('unknown'),
      fakeDeployment('half', { inputCostPerToken: 1e-9 }),
      fakeDeployment('priced', { inputCostPerToken: 1e-3, outputCostPerToken: 1e-3 }),
    ];
    expect(pick(candidates)).toBe('priced');
    expect(pick(candidates.slice(0, 2))).toBe('half');
  });

  it('counts a price of 0 as known and free', () => {
    const candidates = [fakeDeployment('a', { inputCostPerToken: 1e-6, outputCostPerToken: 1e-6 }), fakeDeployment('free', { inputCostPerToken: 0, outputCostPerToken: 0 })];
    expect(pick(candidates)).toBe('free');
  });

  it('shares the load at random between equal prices, and when no price is known', () => {
    const same = [fakeDeployment('a', { inputCostPerToken: 1, outputCostPerToken: 1 }), fakeDeployment('b', { inputCostPerToken: 1, outputCostPerToken: 1 })];
    expect([pick(same, () => 0), pick(same, () => 0.99)]).toEqual(['a', 'b']);
    const unknown = [fakeDeployment('a'), fakeDeployment('b')];
    expect([pick(unknown, () => 0), pick(unknown, () => 0.99)]).toEqual(['a', 'b']);
  });

  it('goes to the next cheapest when the cheapest is cooling', () => {
    const testScheduler = createTestScheduler();
    const events: string[] = [];
    testScheduler.run(() => {
      const router = routerFor(testScheduler, {
        routing_strategy: 'cost-based-routing',
        model_list: [
          deployment('g', 'unknown', { mock_response: 'ok' }),
          deployment('g', 'cheap', { mock_response: 'litellm.RateLimitError', input_cost_per_token: 1e-7, output_cost_per_token: 1e-7 }),
          deployment('g', 'dear', { mock_response: 'ok', input_cost_per_token: 1e-5, output_cost_per_token: 1e-5 }),
        ],
      });
      router.events$.subscribe((event) => events.push(describeEvent(event)));
      router.completion$(request('g')).subscribe({ error: noop });
      router.completion$(request('g')).subscribe({ error: noop });
    });
    expect(events).toEqual([
      'callStarted g',
      'attemptStarted cheap',
      'attemptFailed cheap 429',
      'cooldownStarted cheap until 5000',
      'retry g #1',
      'attemptStarted dear',
      'attemptSucceeded dear',
      'callSucceeded dear',
      // the second call does not try the cooling one
      'callStarted g',
      'attemptStarted dear',
      'attemptSucceeded dear',
      'callSucceeded dear',
      'cooldownEnded cheap',
    ]);
  });
});
