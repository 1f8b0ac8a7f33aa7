import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import { BadRequestError } from '../../src/errors/error-classes.js';
import type { RouterRequest } from '../../src/protocol/chat.js';
import { Router } from '../../src/router/router.js';
import type { CallInfo, RouterEvent } from '../../src/router/router-events.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';
import { chunks, completions, deployment, first, keepError, keptError, type Kept, messages, type Output, scriptedProvider } from './support.js';

// DESIGN §12, in virtual time: one frame is 1 ms, so `hedge_after: 0.01` is ten frames. Routers are
// built inside `run` with the TestScheduler passed explicitly, and pick the first candidate, so the
// primary is always `a` and a hedge goes to the next deployment that is neither in flight nor failed.

const streaming: RouterRequest = { model: 'g', messages, stream: true };

/** Two (or more) deployments of `g`, hedged after 10 ms with a budget that never runs out. */
function hedgedConfig(ids: readonly string[] = ['a', 'b'], settings: Partial<RouterConfig> = {}): RouterConfig {
  return { model_list: ids.map((id) => deployment('g', id)), hedge_after: 0.01, hedge_budget: 10, ...settings };
}

/** The router's events, one line each, from `describe` below; kept in `log`. */
function record(router: Router, log: string[], at: () => number): void {
  // The call-level events (callStarted, callSucceeded, ...) frame every call the same way: left out here.
  router.events$.subscribe((event) => {
    if (!event.type.startsWith('call')) log.push(`${at()} ${line(event)}`);
  });
}

function line(event: RouterEvent): string {
  switch (event.type) {
    case 'hedgeStarted':
      return `hedgeStarted ${event.deployment} #${event.hedge} after ${event.afterMs}`;
    case 'hedgeWon':
      return `hedgeWon ${event.winner} over [${event.losers.join(',')}]`;
    case 'hedgeSkipped':
      return `hedgeSkipped ${event.reason}`;
    case 'attemptFailed':
      return `attemptFailed ${event.deployment} ${event.code}${event.counted ? '' : ' (not counted)'}`;
    case 'retry':
      return `retry #${event.retry}`;
    case 'fallback':
      return `fallback ${event.from}>${event.to}`;
    case 'cooldownStarted':
    case 'cooldownEnded':
      return `${event.type} ${event.deployment}`;
    default:
      return 'deployment' in event ? `${event.type} ${event.deployment}` : event.type;
  }
}

function stateOf(router: Router, id: string): DeploymentState {
  let state: DeploymentState | undefined;
  router.deploymentState$(id).subscribe((value) => (state = value)).unsubscribe();
  if (state === undefined) throw new Error(`no state for ${id}`);
  return state;
}

describe('Router hedging (DESIGN §12): hedge_after, max_hedges, hedge_budget', () => {
  it('starts a hedge on another deployment at exactly hedge_after without a first chunk; the first content wins, the loser is aborted in that frame', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    let router: Router | undefined;
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold<Output>('-------------------------a-b-f|', chunks);
      const fast = cold<Output>('          ---r-a---b-f|', chunks);
      const { provider, calls } = scriptedProvider({ a: [slow], b: [fast] }, () => testScheduler.now());
      router = new Router(hedgedConfig(), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('---------------(ra)b-f|', chunks);
      expectSubscriptions(slow.subscriptions).toBe('^--------------!');
      expectSubscriptions(fast.subscriptions).toBe('----------^-----------!');
      testScheduler.flush();
      expect(calls.map((call) => `${call.at} ${call.deployment}`)).toEqual(['0 a', '10 b']);
    });
    expect(log).toEqual([
      '0 attemptStarted a',
      '10 hedgeStarted b #1 after 10',
      '10 attemptStarted b',
      '15 hedgeWon b over [a]',
      '15 attemptCancelled a',
      '22 attemptSucceeded b',
    ]);
    // The loser was cancelled, not failed: nothing against its health.
    const loser = stateOf(router as Router, 'a');
    expect(loser.totals).toMatchObject({ started: 1, failed: 0, cancelled: 1 });
    expect(loser.cooldownUntil).toBeUndefined();
  });

  it('starts no hedge when the first content comes before hedge_after', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const quick = cold<Output>('---------a|', chunks);
      const other = cold<Output>('a|', chunks);
      const { provider } = scriptedProvider({ a: [quick], b: [other] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(), { scheduler: testScheduler, random: first, provider });
      expectObservable(router.completion$(streaming)).toBe('---------a|', chunks);
      expectSubscriptions(other.subscriptions).toBe([]);
    });
  });

  it('lets the primary win when its content comes first after all; the hedge is aborted then', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold<Output>('------------a-f|', chunks);
      const hedge = cold<Output>('            ----------a|', chunks);
      const { provider } = scriptedProvider({ a: [primary], b: [hedge] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('------------a-f|', chunks);
      expectSubscriptions(hedge.subscriptions).toBe('----------^-!');
    });
    expect(log).toContain('12 hedgeWon a over [b]');
    expect(log).toContain('12 attemptCancelled b');
  });

  it('hedges a non-streaming call on its whole response', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold<Output>('------------------------------x|', completions);
      const fast = cold<Output>('          -----y|', completions);
      const { provider } = scriptedProvider({ a: [slow], b: [fast] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(), { scheduler: testScheduler, random: first, provider });
      expectObservable(router.completion$({ model: 'g', messages })).toBe('---------------(y|)', completions);
      expectSubscriptions(slow.subscriptions).toBe('^--------------!');
      expectSubscriptions(fast.subscriptions).toBe('----------^----!');
    });
  });

  it('goes on with the hedge when the primary fails before content: the failure counts against the primary only', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const failing = cold<Output>('--------------#', undefined, Object.assign(new Error('boom'), { status: 500 }));
      const hedge = cold<Output>('          --------a|', chunks);
      const { provider } = scriptedProvider({ a: [failing], b: [hedge] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('------------------a|', chunks);
    });
    expect(log.filter((entry) => !entry.includes('cooldown'))).toEqual([
      '0 attemptStarted a',
      '10 hedgeStarted b #1 after 10',
      '10 attemptStarted b',
      '14 attemptFailed a internal_server_error',
      '18 hedgeWon b over []',
      '19 attemptSucceeded b',
    ]);
  });

  it('retries only when every racing attempt has failed, and lists both on the final error', () => {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    testScheduler.run(({ cold, expectObservable }) => {
      const error = Object.assign(new Error('down'), { status: 503 });
      const { provider } = scriptedProvider(
        { a: [cold<Output>('------------#', undefined, error)], b: [cold<Output>('-----#', undefined, error)], c: [cold<Output>('--a|', chunks)] },
        () => testScheduler.now(),
      );
      const router = new Router(hedgedConfig(['a', 'b', 'c'], { num_retries: 0 }), { scheduler: testScheduler, random: first, provider });
      expectObservable(router.completion$(streaming).pipe(keepError(kept))).toBe('---------------#', undefined, {
        name: 'ServiceUnavailableError',
        code: 'service_unavailable',
        status: 503,
      });
    });
    expect(keptError(kept).attempts.map((attempt) => `${attempt.deployment} ${attempt.code} ${attempt.durationMs}`)).toEqual([
      'a service_unavailable 12',
      'b service_unavailable 5',
    ]);
  });

  it('retries elsewhere after the race is lost by all, and a hedge never goes to a deployment in flight or failed in the call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const error = Object.assign(new Error('down'), { status: 503 });
      const { provider, calls } = scriptedProvider(
        {
          a: [cold<Output>('------------#', undefined, error)],
          b: [cold<Output>('-----#', undefined, error)],
          c: [cold<Output>('------------a|', chunks)],
          d: [cold<Output>('  -b|', chunks)],
        },
        () => testScheduler.now(),
      );
      const router = new Router(hedgedConfig(['a', 'b', 'c', 'd'], { num_retries: 1 }), { scheduler: testScheduler, random: first, provider });
      // a fails at 12, b (hedged at 10) at 15: the retry goes to c at 15, whose own hedge 10 ms later
      // goes to d, never back to a or b, and wins at 26.
      expectObservable(router.completion$(streaming)).toBe('26ms b|', chunks);
      testScheduler.flush();
      expect(calls.map((call) => `${call.at} ${call.deployment}`)).toEqual(['0 a', '10 b', '15 c', '25 d']);
    });
  });

  it('starts up to max_hedges hedges, one each hedge_after, on distinct deployments', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold<Output>('-', chunks);
      const b = cold<Output>('          -', chunks);
      const c = cold<Output>('                    ---a|', chunks);
      const { provider, calls } = scriptedProvider({ a: [a], b: [b], c: [c], d: [cold<Output>('a|', chunks)] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(['a', 'b', 'c', 'd'], { max_hedges: 2 }), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('23ms a|', chunks);
      expectSubscriptions(a.subscriptions).toBe('^----------------------!');
      expectSubscriptions(b.subscriptions).toBe('----------^------------!');
      testScheduler.flush();
      expect(calls.map((call) => `${call.at} ${call.deployment}`)).toEqual(['0 a', '10 b', '20 c']);
    });
    expect(log.filter((entry) => entry.includes('hedge'))).toEqual([
      '10 hedgeStarted b #1 after 10',
      '20 hedgeStarted c #2 after 20',
      '23 hedgeWon c over [a,b]',
    ]);
  });

  it('starts no hedge when the budget is spent: with hedge_budget 0.5, one of two slow calls hedges', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider, calls } = scriptedProvider(
        { a: [cold<Output>('------------------------------a|', chunks)], b: [cold<Output>('-----a|', chunks)] },
        () => testScheduler.now(),
      );
      const router = new Router(hedgedConfig(['a', 'b'], { hedge_budget: 0.5 }), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('---------------a|', chunks);
      expectObservable(router.completion$(streaming)).toBe('------------------------------a|', chunks);
      testScheduler.flush();
      expect(calls.map((call) => `${call.at} ${call.deployment}`)).toEqual(['0 a', '0 a', '10 b']);
    });
    expect(log.filter((entry) => entry.includes('hedge'))).toEqual(['10 hedgeStarted b #1 after 10', '10 hedgeSkipped budget', '15 hedgeWon b over [a]']);
  });

  it('never hedges with the default budget (10 %) on the first call of a quiet group', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ a: [cold<Output>('------------------------------a|', chunks)], b: [cold<Output>('a|', chunks)] }, () => testScheduler.now());
      const router = new Router({ model_list: [deployment('g', 'a'), deployment('g', 'b')], hedge_after: 0.01 }, { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('------------------------------a|', chunks);
    });
    expect(log.filter((entry) => entry.includes('hedge'))).toEqual(['10 hedgeSkipped budget']);
  });

  it('counts the budget over the last minute: spent at 30 s, free again once the first hedge is a minute old', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ a: [cold<Output>('--------------------a|', chunks)], b: [cold<Output>('-a|', chunks)] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(['a', 'b'], { hedge_budget: 0.5 }), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      // Two calls at 0 s: one hedge for two attempts. At 30 s: a second hedge would make 2 for 3. At
      // 61 s the calls of second 0 are out of the window: 1 hedge for the 2 attempts of 30 s and 61 s.
      for (const at of [0, 0, 30_000, 61_000]) testScheduler.schedule(() => router.completion$(streaming).subscribe(), at);
    });
    expect(log.filter((entry) => entry.includes('hedgeS'))).toEqual([
      '10 hedgeStarted b #1 after 10',
      '10 hedgeSkipped budget',
      '30010 hedgeSkipped budget',
      '61010 hedgeStarted b #1 after 10',
    ]);
  });

  it('skips the hedge when no other deployment can take it (a one-deployment group)', () => {
    const testScheduler = createTestScheduler();
    const log: string[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ a: [cold<Output>('--------------a|', chunks)] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(['a']), { scheduler: testScheduler, random: first, provider });
      record(router, log, () => testScheduler.now());
      expectObservable(router.completion$(streaming)).toBe('--------------a|', chunks);
    });
    expect(log.filter((entry) => entry.includes('hedge'))).toEqual(['10 hedgeSkipped no_deployment']);
  });

  it('stays inside the deadline: both racing attempts are aborted when it fires, and listed as cut', () => {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a = cold<Output>('-');
      const b = cold<Output>('-');
      const { provider } = scriptedProvider({ a: [a], b: [b] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(['a', 'b'], { timeout: 0.025 }), { scheduler: testScheduler, random: first, provider });
      expectObservable(router.completion$(streaming).pipe(keepError(kept))).toBe('-------------------------#', undefined, timeoutErrorShape('deadline_exceeded'));
      expectSubscriptions(a.subscriptions).toBe('^------------------------!');
      expectSubscriptions(b.subscriptions).toBe('----------^--------------!');
    });
    expect(keptError(kept).attempts).toEqual([
      { deployment: 'a', group: 'g', code: 'deadline_exceeded', status: 408, durationMs: 25 },
      { deployment: 'b', group: 'g', code: 'deadline_exceeded', status: 408, durationMs: 15 },
    ]);
  });

  it('counts the lost hedge as an attempt: onCommit says 2, and an error after the commit point lists it as hedge_lost', () => {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    const committed: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const broken = Object.assign(new Error('reset'), { status: 500 });
      const { provider } = scriptedProvider({ a: [cold<Output>('-')], b: [cold<Output>('--a--#', chunks, broken)] }, () => testScheduler.now());
      const router = new Router(hedgedConfig(), { scheduler: testScheduler, random: first, provider });
      expectObservable(router.completion$(streaming, { onCommit: (info) => committed.push(info) }).pipe(keepError(kept))).toBe(
        '------------a--#',
        chunks,
        { name: 'InternalServerError', code: 'internal_server_error', status: 500 },
      );
    });
    expect(committed.map((info) => [info.deployment, info.attempts])).toEqual([['b', 2]]);
    expect(keptError(kept).attempts).toEqual([
      { deployment: 'a', group: 'g', code: 'hedge_lost', status: 499, durationMs: 12 },
      { deployment: 'b', group: 'g', code: 'internal_server_error', status: 500, durationMs: 5 },
    ]);
  });

  it('takes hedge_after and max_hedges per request: a request turns hedging on, or off with max_hedges 0', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ a: [cold<Output>('------------------------------a|', chunks)], b: [cold<Output>('-a|', chunks)] }, () => testScheduler.now());
      const router = new Router({ model_list: [deployment('g', 'a'), deployment('g', 'b')], hedge_budget: 10 }, { scheduler: testScheduler, random: first, provider });
      expectObservable(router.completion$({ ...streaming, hedge_after: 0.005 })).toBe('------a|', chunks);
      expectObservable(router.completion$(streaming)).toBe('------------------------------a|', chunks);
    });
    const off = createTestScheduler();
    off.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ a: [cold<Output>('------------------------------a|', chunks)], b: [cold<Output>('-a|', chunks)] }, () => off.now());
      const router = new Router(hedgedConfig(), { scheduler: off, random: first, provider });
      expectObservable(router.completion$({ ...streaming, max_hedges: 0 })).toBe('------------------------------a|', chunks);
    });
  });

  it('takes model_group_hedging over the router settings, per group', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const slow = cold<Output>('------------------------------a|', chunks);
      const { provider } = scriptedProvider({ a: [slow], b: [cold<Output>('-a|', chunks)], c: [slow], d: [cold<Output>('-a|', chunks)] }, () => testScheduler.now());
      const router = new Router(
        {
          model_list: [deployment('g', 'a'), deployment('g', 'b'), deployment('h', 'c'), deployment('h', 'd')],
          hedge_after: 0.01,
          hedge_budget: 10,
          model_group_hedging: { h: { hedge_after: 0.003 }, g: { max_hedges: 0 } },
        },
        { scheduler: testScheduler, random: first, provider },
      );
      expectObservable(router.completion$(streaming)).toBe('------------------------------a|', chunks);
      expectObservable(router.completion$({ ...streaming, model: 'h' })).toBe('----a|', chunks);
    });
  });
});

describe('hedging settings: validation', () => {
  const base = { model_list: [deployment('g', 'a'), deployment('g', 'b')] };

  it('names each bad field in the config', () => {
    expect(() => new Router({ ...base, hedge_after: 0, max_hedges: -1, hedge_budget: -0.1 } as RouterConfig)).toThrow(
      /hedge_after: expected a positive number of seconds, got number 0[\s\S]*max_hedges: expected a whole number ≥ 0, got number -1[\s\S]*hedge_budget: expected a number ≥ 0, got number -0.1/,
    );
    expect(() => new Router({ ...base, model_group_hedging: { g: { hedge_after: 'soon' }, nope: {} } } as unknown as RouterConfig)).toThrow(
      /model_group_hedging\.g\.hedge_after: expected a positive number of seconds, got string "soon"[\s\S]*model_group_hedging\.nope: unknown model group "nope"/,
    );
  });

  it('suggests the key meant for a near miss, at the top level and per group', () => {
    expect(() => new Router({ ...base, hedge_afer: 0.2 } as unknown as RouterConfig)).toThrow(/hedge_afer: unknown setting \(did you mean "hedge_after"\?\)/);
    expect(() => new Router({ ...base, model_group_hedging: { g: { max_hedge: 2 } } } as unknown as RouterConfig)).toThrow(
      /model_group_hedging\.g\.max_hedge: unknown setting \(did you mean "max_hedges"\?\)/,
    );
  });

  it('refuses a bad hedge_after or max_hedges in a request with a 400 naming the field', () => {
    const router = new Router({ ...base, model_list: [deployment('g', 'a', { mock_response: 'hi' })] });
    const refused = (request: RouterRequest): Promise<unknown> => router.completion(request).then(() => undefined, (error: unknown) => error);
    return Promise.all([
      refused({ model: 'g', messages, hedge_after: -1 }).then((error) => {
        expect(error).toBeInstanceOf(BadRequestError);
        expect(error).toMatchObject({ param: 'hedge_after', message: expect.stringMatching(/hedge_after: expected a positive number of seconds/) });
      }),
      refused({ model: 'g', messages, max_hedges: 0.5 }).then((error) => expect(error).toMatchObject({ status: 400, param: 'max_hedges' })),
    ]);
  });

  // Found by the bad-input fuzz (specs/proxy/bad-input-fuzz.spec.ts): `"hedge_after": 1e-10` was a
  // valid positive number of seconds that rounded to 0 ms, and the hedge operator's TypeError made
  // every such call a 500 internal_server_error, whether the request or the config set it.
  it('takes a hedge_after that rounds to 0 ms (under half a nanosecond) as "hedge at once", in a request or the config', async () => {
    const mocks = [deployment('g', 'a', { mock_response: 'hi' }), deployment('g', 'b', { mock_response: 'hi' })];
    const perRequest = new Router({ model_list: mocks });
    const fromConfig = new Router({ model_list: mocks, model_group_hedging: { g: { hedge_after: 1e-10 } } });
    for (const answer of [
      await perRequest.completion({ model: 'g', messages, hedge_after: 1e-10 }),
      await perRequest.completion({ model: 'g', messages, hedge_after: '5e-324' } as unknown as RouterRequest),
      await fromConfig.completion({ model: 'g', messages }),
    ]) {
      expect(answer.choices[0]?.message.content).toBe('hi');
    }
    await Promise.all([perRequest.close(), fromConfig.close()]);
  });
});
