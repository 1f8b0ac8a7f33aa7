import { tap } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InternalServerError, RateLimitError, ServiceUnavailableError } from '../../src/errors/error-classes.js';
import type { RxllmError } from '../../src/errors/rxllm-error.js';
import { Router } from '../../src/router/router.js';
import type { CallInfo } from '../../src/router/router-events.js';
import { createTestScheduler, errorShape, timeoutErrorShape } from '../support/marbles.js';
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

// DESIGN §4: the commit point, the final error, and what onCommit is told.

const serverError = new InternalServerError('upstream said 500');

describe('Router commit point: the first chunk', () => {
  it('ends the stream with the typed error when it fails after the first chunk: no retry, no fallback, no duplicate tokens', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const breaks = cold<Output>('-a-b-#', chunks, serverError);
      const sibling = cold<Output>('-a-b-c|', chunks);
      const backup = cold<Output>('-a-b-c|', chunks);
      const { provider } = scriptedProvider({ d1: [breaks], d2: [sibling], b1: [backup] });
      const router = new Router(
        {
          model_list: [deployment('g', 'd1'), deployment('g', 'd2'), deployment('backup', 'b1')],
          num_retries: 2,
          fallbacks: [{ g: ['backup'] }],
        },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a-b-#', chunks, errorShape(serverError));
      expectSubscriptions(breaks.subscriptions).toBe('^----!');
      expectSubscriptions(sibling.subscriptions).toBe([]);
      expectSubscriptions(backup.subscriptions).toBe([]);
    });
  });

  it('ends the stream with idle_timeout when it stalls after the first chunk, without retrying', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const stalls = cold<Output>('-a--------b|', chunks);
      const sibling = cold<Output>('-a|', chunks);
      const { provider } = scriptedProvider({ d1: [stalls], d2: [sibling] });
      const router = new Router(
        { model_list: [deployment('g', 'd1'), deployment('g', 'd2')], stream_idle_timeout: 0.003 },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('-a--#', chunks, timeoutErrorShape('idle_timeout'));
      expectSubscriptions(stalls.subscriptions).toBe('^---!');
      expectSubscriptions(sibling.subscriptions).toBe([]);
    });
  });

  it('retries invisibly before the first chunk: the caller sees only the attempt that answered', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('---#', undefined, serverError)], d2: [cold<Output>('-a-b|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true })).toBe('----a-b|', chunks);
    });
  });
});

describe('Router final error', () => {
  /**
   * Group a: d1 fails with 500 after 2 ms, the retry goes to d2 at once, which fails with 429 after
   * 3 ms; a's one retry is spent, so b is tried: b1 (num_retries 0) fails with 503 after 1 ms.
   */
  function failedOverTwoGroups(): RxllmError {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({
        d1: [cold<Output>('--#', undefined, serverError)],
        d2: [cold<Output>('---#', undefined, new RateLimitError('slow down'))],
        b1: [cold<Output>('-#', undefined, new ServiceUnavailableError('overloaded'))],
      });
      const router = new Router(
        {
          model_list: [deployment('a', 'd1'), deployment('a', 'd2'), deployment('b', 'b1', { num_retries: 0 })],
          num_retries: 1,
          fallbacks: [{ a: ['b'] }],
        },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'a', messages }).pipe(keepError(kept))).toBe(
        '------#',
        undefined,
        errorShape(new ServiceUnavailableError('')),
      );
    });
    return keptError(kept);
  }

  it("is the last attempt's error", () => {
    const error = failedOverTwoGroups();

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe('overloaded');
  });

  it('carries every attempt started: deployment, group, code, status and duration', () => {
    expect(failedOverTwoGroups().attempts).toEqual([
      { deployment: 'd1', group: 'a', code: 'internal_server_error', status: 500, durationMs: 2 },
      { deployment: 'd2', group: 'a', code: 'rate_limit_exceeded', status: 429, durationMs: 3 },
      { deployment: 'b1', group: 'b', code: 'service_unavailable', status: 503, durationMs: 1 },
    ]);
  });

  it('carries the retries made and allowed in the group that failed last, and the fallback groups tried', () => {
    const error = failedOverTwoGroups();

    expect({ numRetries: error.numRetries, maxRetries: error.maxRetries, attemptedFallbacks: error.attemptedFallbacks }).toEqual({
      numRetries: 0,
      maxRetries: 0,
      attemptedFallbacks: 1,
    });
  });

  it('carries the attempt that failed after the first chunk', () => {
    const testScheduler = createTestScheduler();
    const kept: Kept = { error: undefined };
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-a-#', chunks, serverError)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages, stream: true }).pipe(keepError(kept))).toBe(
        '-a-#',
        chunks,
        errorShape(serverError),
      );
    });
    expect(keptError(kept).attempts).toEqual([{ deployment: 'd1', group: 'g', code: 'internal_server_error', status: 500, durationMs: 3 }]);
  });
});

describe('Router onCommit', () => {
  it('is told once, just before the first chunk goes out, which deployment and group answered', () => {
    const testScheduler = createTestScheduler();
    const log: unknown[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-r-a----b|', chunks)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
      const call$ = router
        .completion$({ model: 'g', messages, stream: true }, { onCommit: (info) => log.push({ deployment: info.deployment, group: info.group }) })
        .pipe(tap((value) => log.push(value.choices[0]?.delta.content)));

      expectObservable(call$).toBe('---(ra)-b|', chunks);
    });
    expect(log).toEqual([{ deployment: 'd1', group: 'g' }, '', 'a', 'b']);
  });

  it('is told the retries made in the group that answered and the fallback groups tried', () => {
    const testScheduler = createTestScheduler();
    const commits: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      // a fails three times (two retries); b fails once, then answers on its retry.
      const { provider } = scriptedProvider({
        a1: [cold<Output>('-#', undefined, serverError)],
        b1: [cold<Output>('-#', undefined, serverError), cold<Output>('-x|', completions)],
      });
      const router = new Router(
        { model_list: [deployment('a', 'a1'), deployment('b', 'b1')], num_retries: 2, fallbacks: [{ a: ['b'] }] },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'a', messages }, { onCommit: (info) => commits.push(info) })).toBe(
        '- 500ms - 1000ms -- 500ms -(x|)',
        completions,
      );
    });
    // b1's answer took 1 ms upstream (`-x|`); b allowed the router's 2 retries.
    expect(commits).toEqual([
      { deployment: 'b1', group: 'b', attemptedRetries: 1, attemptedFallbacks: 1, attempts: 5, timeoutMs: 600_000, maxRetries: 2, upstreamMs: 1 },
    ]);
  });

  it('is told at completion when the answer is empty (a stream of nothing but [DONE])', () => {
    const testScheduler = createTestScheduler();
    const commits: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('--|')] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(
        router.completion$({ model: 'g', messages, stream: true }, { onCommit: (info) => commits.push(info) }),
      ).toBe('--|');
    });
    // No failure in the group: maxRetries is the router's default; the empty stream took 2 ms upstream.
    expect(commits).toEqual([
      { deployment: 'd1', group: 'g', attemptedRetries: 0, attemptedFallbacks: 0, attempts: 1, timeoutMs: 600_000, maxRetries: 2, upstreamMs: 2 },
    ]);
  });

  it('is not told anything when the call fails', () => {
    const testScheduler = createTestScheduler();
    const commits: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-#', undefined, serverError)] });
      const router = new Router({ model_list: [deployment('g', 'd1')], num_retries: 0 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages }, { onCommit: (info) => commits.push(info) })).toBe(
        '-#',
        undefined,
        errorShape(serverError),
      );
    });
    expect(commits).toEqual([]);
  });
});
