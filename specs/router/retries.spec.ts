import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  RateLimitError,
} from '../../src/errors/error-classes.js';
import { Router } from '../../src/router/router.js';
import type { CallInfo } from '../../src/router/router-events.js';
import { createTestScheduler, errorShape } from '../support/marbles.js';
import {
  completions,
  deployment,
  failedCall,
  first,
  messages,
  type Output,
  scriptedProvider,
} from './support.js';

// DESIGN §4, retries. A group of one deployment makes every retry go back to the same deployment,
// so it shows the waits; a group of several shows the re-picks, which go at once.

const serverError = new InternalServerError('upstream said 500');
const rateLimited = (seconds?: number) => new RateLimitError('slow down', seconds === undefined ? {} : { retryAfter: seconds });

describe('Router retries: re-picking a deployment', () => {
  it('retries at once on another healthy deployment of the group, skipping the one that failed', () => {
    const testScheduler = createTestScheduler();
    const commits: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const failing = cold<Output>('--#', undefined, serverError);
      const healthy = cold<Output>('--x|', completions);
      const { provider } = scriptedProvider({ d1: [failing], d2: [healthy] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages }, { onCommit: (info) => commits.push(info) })).toBe(
        '----(x|)',
        completions,
      );
      expectSubscriptions(failing.subscriptions).toBe('^-!');
      // The completion is the whole answer: the provider is let go as it arrives.
      expectSubscriptions(healthy.subscriptions).toBe('--^-!');
    });
    expect(commits).toMatchObject([{ deployment: 'd2', attemptedRetries: 1 }]);
  });

  it('skips every deployment that already failed in this call while others remain', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const scripted = scriptedProvider({
        d1: [cold<Output>('-#', undefined, serverError)],
        d2: [cold<Output>('-#', undefined, serverError)],
        d3: [cold<Output>('-x|', completions)],
      });
      const router = new Router(
        { model_list: [deployment('g', 'd1'), deployment('g', 'd2'), deployment('g', 'd3')] },
        { random: first, provider: scripted.provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('---(x|)', completions);
      testScheduler.flush();
      expect(scripted.deploymentsCalled()).toEqual(['d1', 'd2', 'd3']);
    });
  });

  it('goes back to a deployment that failed earlier once all have failed, at once: it is not the one that just failed', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const scripted = scriptedProvider({
        d1: [cold<Output>('-#', undefined, serverError), cold<Output>('-x|', completions)],
        d2: [cold<Output>('-#', undefined, serverError)],
      });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider: scripted.provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('---(x|)', completions);
      testScheduler.flush();
      expect(scripted.deploymentsCalled()).toEqual(['d1', 'd2', 'd1']);
    });
  });

  it('skips a cooling deployment when it re-picks, and then waits before retrying the same one', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      // d1's 429 cools it at once (a group of two); d2's 500 does not, so the second retry returns to d2.
      const scripted = scriptedProvider({
        d1: [cold<Output>('-#', undefined, rateLimited())],
        d2: [cold<Output>('-#', undefined, serverError), cold<Output>('-x|', completions)],
      });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider: scripted.provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('-- 1000ms -(x|)', completions);
      testScheduler.flush();
      expect(scripted.deploymentsCalled()).toEqual(['d1', 'd2', 'd2']);
    });
  });
});

describe('Router retries: the wait before retrying the same deployment', () => {
  it('backs off 0.5 s · 2^n, never more than 8 s', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-#', undefined, serverError);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')], num_retries: 6 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe(
        '- 500ms - 1000ms - 2000ms - 4000ms - 8000ms - 8000ms -#',
        undefined,
        errorShape(serverError),
      );
      expectSubscriptions(upstream.subscriptions).toBe([
        '^!',
        '- 500ms ^!',
        '- 500ms - 1000ms ^!',
        '- 500ms - 1000ms - 2000ms ^!',
        '- 500ms - 1000ms - 2000ms - 4000ms ^!',
        '- 500ms - 1000ms - 2000ms - 4000ms - 8000ms ^!',
        '- 500ms - 1000ms - 2000ms - 4000ms - 8000ms - 8000ms ^!',
      ]);
    });
  });

  it('takes up to a quarter off a backoff wait at random (jitter)', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-#', undefined, serverError), cold<Output>('-x|', completions)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: () => 0.8, provider });

      // 500 ms · (1 − 0.25 · 0.8) = 400 ms
      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 400ms -(x|)', completions);
    });
  });

  it("waits the latest error's Retry-After, not an earlier one's", () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({
        d1: [cold<Output>('-#', undefined, rateLimited(3)), cold<Output>('-#', undefined, rateLimited(2)), cold<Output>('-x|', completions)],
      });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 3000ms - 2000ms -(x|)', completions);
    });
  });

  it('honours a Retry-After of up to 60 s', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-#', undefined, rateLimited(60)), cold<Output>('-x|', completions)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 60s -(x|)', completions);
    });
  });

  it('ignores a Retry-After longer than 60 s and backs off instead', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-#', undefined, rateLimited(61)), cold<Output>('-x|', completions)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 500ms -(x|)', completions);
    });
  });

  it('never waits after the last attempt: the error comes when it fails', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-#', undefined, serverError);
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')], num_retries: 1 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 500ms -#', undefined, errorShape(serverError));
      expectSubscriptions(upstream.subscriptions).toBe(['^!', '- 500ms ^!']);
    });
  });

  it('fails at once with the last error when a Retry-After wait would end after the deadline', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-#', undefined, rateLimited(5));
      const { provider } = scriptedProvider({ d1: [upstream] });
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 2 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('-#', undefined, errorShape(rateLimited(5)));
      expectSubscriptions(upstream.subscriptions).toBe('^!');
    });
  });

  it('fails at once with the last error when a backoff wait would end after the deadline', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const upstream = cold<Output>('-#', undefined, serverError);
      const { provider } = scriptedProvider({ d1: [upstream] });
      // The first wait (500 ms) fits in 600 ms; the second (1 s) would not.
      const router = new Router({ model_list: [deployment('g', 'd1')], timeout: 0.6 }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 500ms -#', undefined, errorShape(serverError));
      expectSubscriptions(upstream.subscriptions).toBe(['^!', '- 500ms ^!']);
    });
  });
  it('does not wait past the deadline but moves on at once to the fallbacks, which have time left', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const limited = cold<Output>('-#', undefined, rateLimited(5));
      const backup = cold<Output>('-x|', completions);
      const { provider } = scriptedProvider({ d1: [limited], b1: [backup] });
      const router = new Router(
        { model_list: [deployment('g', 'd1'), deployment('backup', 'b1')], timeout: 2, fallbacks: [{ g: ['backup'] }] },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
      expectSubscriptions(limited.subscriptions).toBe('^!');
    });
  });
});

describe('Router retries: how many (num_retries precedence)', () => {
  const failing = (error: string, params: Record<string, unknown> = {}) => deployment('g', 'd1', { mock_response: error, ...params });

  it('retries twice by default', () => {
    const error = failedCall({ model_list: [failing('litellm.InternalServerError')] }, { model: 'g', messages });

    expect(error.attempts).toHaveLength(3);
    expect({ numRetries: error.numRetries, maxRetries: error.maxRetries }).toEqual({ numRetries: 2, maxRetries: 2 });
  });

  it('takes the router num_retries over the default', () => {
    const error = failedCall({ model_list: [failing('litellm.InternalServerError')], num_retries: 1 }, { model: 'g', messages });

    expect(error.attempts).toHaveLength(2);
  });

  it('takes the deployment num_retries over the router one', () => {
    const error = failedCall(
      { model_list: [failing('litellm.InternalServerError', { num_retries: 3 })], num_retries: 1 },
      { model: 'g', messages },
    );

    expect(error.attempts).toHaveLength(4);
  });

  it("takes the retry_policy entry for the error's class over the deployment num_retries", () => {
    const error = failedCall(
      { model_list: [failing('litellm.RateLimitError', { num_retries: 3 })], retry_policy: { RateLimitErrorRetries: 0 } },
      { model: 'g', messages },
    );

    expect(error.attempts).toHaveLength(1);
  });

  it('keeps the deployment num_retries for an error class the retry_policy does not name', () => {
    const error = failedCall(
      { model_list: [failing('litellm.InternalServerError', { num_retries: 3 })], retry_policy: { RateLimitErrorRetries: 0 } },
      { model: 'g', messages },
    );

    expect(error.attempts).toHaveLength(4);
  });

  it("takes the group's model_group_retry_policy over retry_policy", () => {
    const error = failedCall(
      {
        model_list: [failing('litellm.Timeout')],
        retry_policy: { TimeoutErrorRetries: 3 },
        model_group_retry_policy: { g: { TimeoutErrorRetries: 1 } },
      },
      { model: 'g', messages },
    );

    expect(error.attempts).toHaveLength(2);
  });

  it('takes the request num_retries over every other level', () => {
    const error = failedCall(
      {
        model_list: [failing('litellm.RateLimitError', { num_retries: 3 })],
        num_retries: 5,
        retry_policy: { RateLimitErrorRetries: 4 },
        model_group_retry_policy: { g: { RateLimitErrorRetries: 4 } },
      },
      { model: 'g', messages, num_retries: 1 },
    );

    expect(error.attempts).toHaveLength(2);
  });
});

describe('Router retries: errors never retried', () => {
  it.each([
    ['litellm.BadRequestError', 400],
    ['litellm.PermissionDeniedError', 403],
    ['litellm.NotFoundError', 404],
    ['litellm.UnprocessableEntityError', 422],
  ])('never retries %s (%i), not even on another deployment of the group', (mockError, status) => {
    const error = failedCall(
      {
        model_list: [deployment('g', 'd1', { mock_response: mockError }), deployment('g', 'd2', { mock_response: mockError })],
        num_retries: 3,
        // So that only the retry rule can stop a retry, not a cooldown (404 cools at once).
        disable_cooldowns: true,
      },
      { model: 'g', messages },
    );

    expect(error.status).toBe(status);
    expect(error.attempts.map((attempt) => attempt.deployment)).toEqual(['d1']);
  });

  it('never retries a 401 in a one-deployment group', () => {
    const error = failedCall(
      // A 401 cools a deployment at once; without cooldowns, only the retry rule can stop the retry.
      { model_list: [deployment('g', 'd1', { mock_response: 'litellm.AuthenticationError' })], num_retries: 3, disable_cooldowns: true },
      { model: 'g', messages },
    );

    expect(error.status).toBe(401);
    expect(error.attempts).toHaveLength(1);
  });

  it('retries a 401 on another deployment when the group has more than one', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({
        d1: [cold<Output>('-#', undefined, new AuthenticationError('bad key'))],
        d2: [cold<Output>('-x|', completions)],
      });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
    });
  });

  it('never retries a context-window error whose group has context_window_fallbacks, even when retry_policy asks: it falls back at once', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const tooLong = cold<Output>('-#', undefined, new ContextWindowExceededError('prompt is too long'));
      const { provider } = scriptedProvider({ d1: [tooLong], big1: [cold<Output>('-x|', completions)] });
      const router = new Router(
        {
          model_list: [deployment('g', 'd1'), deployment('big', 'big1')],
          retry_policy: { BadRequestErrorRetries: 2 },
          context_window_fallbacks: [{ g: ['big'] }],
        },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
      expectSubscriptions(tooLong.subscriptions).toBe('^!');
    });
  });

  it('retries a context-window error that retry_policy asks for when the group has no context_window_fallbacks', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable }) => {
      const tooLong = cold<Output>('-#', undefined, new ContextWindowExceededError('prompt is too long'));
      const { provider } = scriptedProvider({ d1: [tooLong, cold<Output>('-x|', completions)] });
      const router = new Router(
        { model_list: [deployment('g', 'd1')], retry_policy: { BadRequestErrorRetries: 2 } },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('- 500ms -(x|)', completions);
    });
  });

  it('never retries a content-policy error whose group has content_policy_fallbacks, even when retry_policy asks: it falls back at once', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = cold<Output>('-#', undefined, new ContentPolicyViolationError('flagged'));
      const { provider } = scriptedProvider({ d1: [refused], safe1: [cold<Output>('-x|', completions)] });
      const router = new Router(
        {
          model_list: [deployment('g', 'd1'), deployment('safe', 'safe1')],
          retry_policy: { ContentPolicyViolationErrorRetries: 2 },
          content_policy_fallbacks: [{ g: ['safe'] }],
        },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'g', messages })).toBe('--(x|)', completions);
      expectSubscriptions(refused.subscriptions).toBe('^!');
    });
  });
});
