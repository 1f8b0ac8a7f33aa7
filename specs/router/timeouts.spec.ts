import { describe, expect, it } from 'vitest';
import { Router } from '../../src/router/router.js';
import type { CallInfo } from '../../src/router/router-events.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';
import {
  chunks,
  completions,
  deployment,
  first,
  keepError,
  keptError,
  type Kept,
  messages,
  type Output,
  scriptedProvider,
} from './support.js';

// DESIGN §3. Durations in configs and requests are seconds; one frame is 1 ms, so
// `stream_timeout: 0.005` is five frames. Routers are built inside `run`, where asyncScheduler (their
// default) is virtual, except in the one spec that passes the TestScheduler explicitly.

const deadlineExceeded = timeoutErrorShape('deadline_exceeded');
const attemptTimedOut = timeoutErrorShape('attempt_timeout');
const firstChunkTimedOut = timeoutErrorShape('first_chunk_timeout');
const idleTimedOut = timeoutErrorShape('idle_timeout');

describe('Router timeout (router, request): the deadline of the whole call', () => {
  it('fails with deadline_exceeded at the deadline over attempts, retries and fallbacks, listing every attempt including the one it cut', () => {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // Three hanging deployments whose attempts each end with attempt_timeout after 300 ms, then a
      // fallback whose upstream never answers: only the deadline ends the call.
      const hanging = { mock_timeout: true, timeout: 0.3 };
      const backupUpstream = cold<Output>('-');
      const { provider } = scriptedProvider({ b1: [backupUpstream] });
      const router = new Router(
        {
          model_list: [
            deployment('primary', 'p1', hanging),
            deployment('primary', 'p2', hanging),
            deployment('primary', 'p3', hanging),
            deployment('backup', 'b1'),
          ],
          num_retries: 2,
          fallbacks: [{ primary: ['backup'] }],
          timeout: 1,
        },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'primary', messages }).pipe(keepError(kept))).toBe(
        '1000ms #',
        undefined,
        deadlineExceeded,
      );
      expectSubscriptions(backupUpstream.subscriptions).toBe('900ms ^ 99ms !');
    });
    expect(keptError(kept).attempts).toEqual([
      { deployment: 'p1', group: 'primary', code: 'attempt_timeout', status: 408, durationMs: 300 },
      { deployment: 'p2', group: 'primary', code: 'attempt_timeout', status: 408, durationMs: 300 },
      { deployment: 'p3', group: 'primary', code: 'attempt_timeout', status: 408, durationMs: 300 },
      { deployment: 'b1', group: 'backup', code: 'deadline_exceeded', status: 408, durationMs: 100 },
    ]);
  });

  it('aborts the in-flight upstream call at the frame the deadline fires (TestScheduler passed explicitly)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-------x|', completions);
      const { provider } = scriptedProvider({ d1: [upstream] }, () => testScheduler.now());
      const router = new Router(
        { model_list: [deployment('g', 'd1')], timeout: 0.004 },
        { scheduler: testScheduler, random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('----#', undefined, deadlineExceeded);
      expectSubscriptions(upstream.subscriptions).toBe('^---!');
    });
  });

  it('defaults the deadline to 600 s', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-');
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('600s #', undefined, deadlineExceeded);
      expectSubscriptions(upstream.subscriptions).toBe('^ 599999ms !');
    });
  });

  it('lets a request timeout shorter than the router timeout override it', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-')] });
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 1 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, timeout: 0.2 })).toBe('200ms #', undefined, deadlineExceeded);
    });
  });

  it('lets a request timeout longer than the router timeout override it', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-')] });
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 0.1 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, timeout: 0.3 })).toBe('300ms #', undefined, deadlineExceeded);
    });
  });

  it('bounds a deployment timeout by what remains of the deadline: the deadline fires first', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-')] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 5 })], timeout: 0.1 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('100ms #', undefined, deadlineExceeded);
    });
  });

  it('errors a stream cut by the deadline with deadline_exceeded: it never completes as if whole', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-a-b-c-d-f|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 0.004 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a-b#', chunks, deadlineExceeded);
      expectSubscriptions(upstream.subscriptions).toBe('^---!');
    });
  });

  it('reports the effective call deadline (the request timeout) to onCommit', () => {
    const testScheduler = createTestScheduler();
    const commits: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-x|', completions)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 30 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, timeout: 0.7 }, { onCommit: (info) => commits.push(info) })).toBe(
        '-(x|)',
        completions,
      );
    });
    expect(commits.map((info) => info.timeoutMs)).toEqual([700]);
  });
});

describe('Router timeout (deployment): the per-attempt cap', () => {
  it('caps a non-streaming attempt with attempt_timeout and aborts its upstream call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('--------x|', completions);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.005 })], num_retries: 0 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('-----#', undefined, attemptTimedOut);
      expectSubscriptions(upstream.subscriptions).toBe('^----!');
    });
  });

  it('moves on after attempt_timeout: the retry goes to the next deployment, which answers', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold<Output>('--------x|', completions);
      const fast = cold<Output>('--y|', completions);
      const { provider } = scriptedProvider({ d1: [slow], d2: [fast] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { timeout: 0.005 }), deployment('g', 'd2', { timeout: 0.005 })] },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('-------(y|)', completions);
      expectSubscriptions(slow.subscriptions).toBe('^----!');
      expectSubscriptions(fast.subscriptions).toBe('-----^-!');
    });
  });

  it('never cuts a healthy stream that lasts longer than the deployment timeout', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const upstream = cold<Output>('--a---b---c---d---f|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.005 })] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('--a---b---c---d---f|', chunks);
    });
  });

  it('is the default first-chunk clock of a stream: first_chunk_timeout when no chunk comes within it', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-------a|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.005 })], num_retries: 0 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-----#', chunks, firstChunkTimedOut);
      expectSubscriptions(upstream.subscriptions).toBe('^----!');
    });
  });

  it('is the default idle clock of a stream: idle_timeout when a gap after the first chunk exceeds it', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-a--------b|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.005 })] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a----#', chunks, idleTimedOut);
      expectSubscriptions(upstream.subscriptions).toBe('^-----!');
    });
  });
});

describe('Router stream_timeout: the first-chunk clock', () => {
  it('takes the request stream_timeout over the deployment and router ones', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('----------a|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { stream_timeout: 0.006 })], stream_timeout: 0.009, num_retries: 0 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true, stream_timeout: 0.003 })).toBe(
        '---#',
        chunks,
        firstChunkTimedOut,
      );
      expectSubscriptions(upstream.subscriptions).toBe('^--!');
    });
  });

  it('takes the deployment stream_timeout over the router one', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('----------a|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { stream_timeout: 0.004 })], stream_timeout: 0.008, num_retries: 0 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('----#', chunks, firstChunkTimedOut);
    });
  });

  it('takes the router stream_timeout over the deployment timeout', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('----------a|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { timeout: 0.003 })], stream_timeout: 0.006, num_retries: 0 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('------#', chunks, firstChunkTimedOut);
    });
  });

  it('has no first-chunk clock without stream_timeout or a deployment timeout', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('100ms a|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('100ms a|', chunks);
    });
  });

  it('does not apply to a non-streaming call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('--------x|', completions)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_timeout: 0.003 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--------(x|)', completions);
    });
  });

  it('aborts the timed-out attempt and retries: the next deployment answers', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const stuck = cold<Output>('-');
      const healthy = cold<Output>('-a-f|', chunks);
      const { provider } = scriptedProvider({ d1: [stuck], d2: [healthy] });
      const router = new Router(
        { model_list: [deployment('g', 'd1'), deployment('g', 'd2')], stream_timeout: 0.003 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('----a-f|', chunks);
      expectSubscriptions(stuck.subscriptions).toBe('^--!');
      expectSubscriptions(healthy.subscriptions).toBe('---^---!');
    });
  });

  it('falls back once the group has no retries left: the fallback group answers', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const stuck = cold<Output>('-');
      const backup = cold<Output>('-a|', chunks);
      const { provider } = scriptedProvider({ d1: [stuck], b1: [backup] });
      const router = new Router(
        {
          model_list: [deployment('g', 'd1'), deployment('backup', 'b1')],
          stream_timeout: 0.003,
          num_retries: 0,
          fallbacks: [{ g: ['backup'] }],
        },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('----a|', chunks);
      expectSubscriptions(stuck.subscriptions).toBe('^--!');
      expectSubscriptions(backup.subscriptions).toBe('---^-!');
    });
  });

  it('starts the clock again with each attempt, not with the call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // The retry goes back to the only deployment after a 500 ms backoff; its chunk comes 2 ms in.
      const { provider } = scriptedProvider({ d1: [cold<Output>('-'), cold<Output>('--a|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_timeout: 0.003 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('--- 500ms --a|', chunks);
    });
  });
});

describe('Router stream_idle_timeout: the clock between chunks', () => {
  it('fails with idle_timeout and aborts the upstream call when a gap after the first chunk is too long', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-a-b-------c|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_idle_timeout: 0.004 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a-b---#', chunks, idleTimedOut);
      expectSubscriptions(upstream.subscriptions).toBe('^------!');
    });
  });

  it('defaults to the stream_timeout in force (here the request one)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-a-----b|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true, stream_timeout: 0.003 })).toBe(
        '-a--#',
        chunks,
        idleTimedOut,
      );
    });
  });

  it('replaces stream_timeout as the idle clock when set: a gap longer than stream_timeout passes', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-a----b|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1')], stream_timeout: 0.002, stream_idle_timeout: 0.006 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a----b|', chunks);
    });
  });

  it('takes the request stream_idle_timeout over the deployment and router ones', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-a---------b|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { stream_idle_timeout: 0.006 })], stream_idle_timeout: 0.008 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true, stream_idle_timeout: 0.002 })).toBe(
        '-a-#',
        chunks,
        idleTimedOut,
      );
    });
  });

  it('takes the deployment stream_idle_timeout over the router one', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-a---------b|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { stream_idle_timeout: 0.003 })], stream_idle_timeout: 0.008 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a--#', chunks, idleTimedOut);
    });
  });
});

describe('Router first chunk: the first chunk that carries content', () => {
  it('does not stop the first-chunk clock on a role-only chunk', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-r----a|', chunks);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_timeout: 0.003, num_retries: 0 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('---#', chunks, firstChunkTimedOut);
      expectSubscriptions(upstream.subscriptions).toBe('^--!');
    });
  });

  it('does not stop the first-chunk clock on an empty delta', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-e----a|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_timeout: 0.003, num_retries: 0 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('---#', chunks, firstChunkTimedOut);
    });
  });

  it('releases the held role-only chunk together with the first content chunk', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-r-a----b|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_timeout: 0.005 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('---(ra)-b|', chunks);
    });
  });

  it('counts a finish_reason chunk as the first chunk', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-r-f---|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], stream_timeout: 0.005 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('---(rf)|', chunks);
    });
  });

  it('does not commit on content-free chunks: a failure after the role-only chunk is retried and its chunk never shown', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-r-#')], d2: [cold<Output>('-r-a---|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('------(ra)|', chunks);
    });
  });
});

describe('Router mock_timeout', () => {
  it('request mock_timeout: the requested group makes no upstream call and never answers, so its clocks fire', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const scripted = scriptedProvider({ d1: [cold<Output>('-a|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1')], stream_timeout: 0.003, num_retries: 0 },
        { random: first, provider: scripted.provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true, mock_timeout: true })).toBe(
        '---#',
        chunks,
        firstChunkTimedOut,
      );
      testScheduler.flush();
      expect(scripted.deploymentsCalled()).toEqual([]);
    });
  });

  it('request mock_timeout without any clock hangs until the deadline, in virtual time', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider: scriptedProvider({}).provider });

      expectObservable(router.completion$({ model: 'g', messages, mock_timeout: true, timeout: 2 })).toBe(
        '2s #',
        undefined,
        deadlineExceeded,
      );
    });
  });

  it('request mock_timeout hangs only the requested group: its fallback groups run for real', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const scripted = scriptedProvider({ p1: [cold<Output>('-x|', completions)], b1: [cold<Output>('--y|', completions)] });
      const router = new Router(
        {
          model_list: [deployment('primary', 'p1', { timeout: 0.1 }), deployment('backup', 'b1', { timeout: 0.1 })],
          num_retries: 0,
          fallbacks: [{ primary: ['backup'] }],
        },
        { random: first, provider: scripted.provider },
      );

      expectObservable(router.completion$({ model: 'primary', messages, mock_timeout: true })).toBe('100ms --(y|)', completions);
      testScheduler.flush();
      expect(scripted.deploymentsCalled()).toEqual(['b1']);
    });
  });

  it('deployment mock_timeout: every attempt at that deployment hangs without an upstream call', () => {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    const scripted = scriptedProvider({});
    testScheduler.run(({ expectObservable }) => {
      const router = new Router(
        { model_list: [deployment('g', 'd1', { mock_timeout: true, timeout: 0.1 })], num_retries: 1 },
        { random: first, provider: scripted.provider },
      );

      // 100 ms attempt, 500 ms backoff, 100 ms attempt.
      expectObservable(router.completion$({ model: 'g', messages }).pipe(keepError(kept))).toBe('700ms #', undefined, attemptTimedOut);
    });
    expect(scripted.deploymentsCalled()).toEqual([]);
    expect(keptError(kept).attempts.map((attempt) => attempt.code)).toEqual(['attempt_timeout', 'attempt_timeout']);
  });

  it('deployment mock_timeout hangs only that deployment: the retry to another one answers', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d2: [cold<Output>('-a|', chunks)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1', { mock_timeout: true }), deployment('g', 'd2')], stream_timeout: 0.003 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('----a|', chunks);
    });
  });
});
