import { describe, expect, it } from 'vitest';
import type { DeploymentConfig, RouterConfig } from '../../src/config/router-config-schema.js';
import { ContentPolicyViolationError, InternalServerError } from '../../src/errors/error-classes.js';
import type { RouterRequest } from '../../src/protocol/chat.js';
import { Router } from '../../src/router/router.js';
import type { CallInfo } from '../../src/router/router-events.js';
import { createTestScheduler, errorShape } from '../support/marbles.js';
import { completions, deployment, failedCall, first, messages, type Output, scriptedProvider } from './support.js';

// DESIGN §4, fallbacks. Groups are named after what they do: each has one deployment, `<group>1`.
// Failing groups are mock deployments (`mock_response: "litellm.<Error>"`), so the call's final
// error lists, in `attempts`, the groups it tried in order; answering groups go through the
// scripted provider and the caller sees their answer.

/** A group of one deployment that always fails with `error` (a LiteLLM error class name). */
const failingGroup = (group: string, error = 'litellm.InternalServerError'): DeploymentConfig =>
  deployment(group, `${group}1`, { mock_response: error });

/** A group of one deployment that the scripted provider answers. */
const answeringGroup = (group: string): DeploymentConfig => deployment(group, `${group}1`);

/** The groups a failed call tried, in order. */
function groupsTried(config: RouterConfig, request: Partial<RouterRequest> = {}): string[] {
  return failedCall({ num_retries: 0, ...config }, { model: 'a', messages, ...request }).attempts.map((attempt) => attempt.group);
}

/**
 * Runs a call on `a` in which `answering` groups answer with `x` one frame in; returns which group
 * answered (per `onCommit`) and which deployments the provider was asked for.
 */
function answeredBy(config: RouterConfig, answering: readonly string[], request: Partial<RouterRequest> = {}): { commit: CallInfo; called: string[] } {
  const testScheduler = createTestScheduler();
  const commits: CallInfo[] = [];
  let called: string[] = [];
  testScheduler.run(({ cold, expectObservable }) => {
    const scripted = scriptedProvider(Object.fromEntries(answering.map((group) => [`${group}1`, [cold<Output>('-x|', completions)]])));
    const router = new Router({ num_retries: 0, ...config }, { random: first, provider: scripted.provider });

    expectObservable(
      router.completion$({ model: 'a', messages, ...request }, { onCommit: (info) => commits.push(info) }),
    ).toBe('-(x|)', completions);
    testScheduler.flush();
    called = scripted.deploymentsCalled();
  });
  const [commit] = commits;
  if (commit === undefined || commits.length !== 1) throw new Error(`expected one commit, got ${commits.length}`);
  return { commit, called };
}

describe('Router fallbacks: which groups, in which order', () => {
  it("tries the fallback groups in order and ends with the last one's error", () => {
    const error = failedCall(
      {
        model_list: [failingGroup('a'), failingGroup('b', 'litellm.ServiceUnavailableError'), failingGroup('c', 'litellm.RateLimitError')],
        num_retries: 0,
        fallbacks: [{ a: ['b', 'c'] }],
      },
      { model: 'a', messages },
    );

    expect(error.attempts.map((attempt) => attempt.group)).toEqual(['a', 'b', 'c']);
    expect(error.status).toBe(429);
  });

  it('answers from a fallback group when the requested group fails', () => {
    const { commit } = answeredBy({ model_list: [failingGroup('a'), answeringGroup('b')], fallbacks: [{ a: ['b'] }] }, ['b']);

    expect(commit).toMatchObject({ group: 'b', deployment: 'b1', attemptedFallbacks: 1 });
  });

  it('gives each fallback group its own retries', () => {
    const testScheduler = createTestScheduler();
    const commits: CallInfo[] = [];
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const primary = cold<Output>('-#', undefined, new InternalServerError('down'));
      const backupFails = cold<Output>('-#', undefined, new InternalServerError('down'));
      const backupAnswers = cold<Output>('-x|', completions);
      const { provider } = scriptedProvider({ a1: [primary], b1: [backupFails, backupAnswers] });
      const router = new Router(
        { model_list: [answeringGroup('a'), answeringGroup('b')], num_retries: 1, fallbacks: [{ a: ['b'] }] },
        { random: first, provider },
      );

      // a: attempt, 500 ms backoff, attempt; then b: attempt, 500 ms backoff (its own first retry), attempt.
      expectObservable(router.completion$({ model: 'a', messages }, { onCommit: (info) => commits.push(info) })).toBe(
        '- 500ms -- 500ms -(x|)',
        completions,
      );
      expectSubscriptions(primary.subscriptions).toBe(['^!', '- 500ms ^!']);
      expectSubscriptions(backupFails.subscriptions).toBe('- 500ms -^!');
      expectSubscriptions(backupAnswers.subscriptions).toBe('- 500ms -- 500ms ^!');
    });
    expect(commits).toMatchObject([{ group: 'b', attemptedRetries: 1, attemptedFallbacks: 1 }]);
  });

  it('falls back depth first: a fallback group tries its own fallbacks before the next target', () => {
    const tried = groupsTried({
      model_list: ['a', 'b', 'c', 'd'].map((group) => failingGroup(group)),
      fallbacks: [{ a: ['b', 'c'] }, { b: ['d'] }],
    });

    expect(tried).toEqual(['a', 'b', 'd', 'c']);
  });
});

describe('Router fallbacks: the lists', () => {
  it('uses the "*" entry for a group without an entry of its own', () => {
    const tried = groupsTried({ model_list: [failingGroup('a'), failingGroup('c')], fallbacks: [{ '*': ['c'] }] });

    expect(tried).toEqual(['a', 'c']);
  });

  it('prefers the entry of the group over the "*" entry', () => {
    const { commit } = answeredBy(
      { model_list: [failingGroup('a'), answeringGroup('b'), answeringGroup('c')], fallbacks: [{ '*': ['c'] }, { a: ['b'] }] },
      ['b', 'c'],
    );

    expect(commit.group).toBe('b');
  });

  it('uses default_fallbacks when fallbacks has no entry for the group', () => {
    const { commit } = answeredBy(
      { model_list: [failingGroup('a'), answeringGroup('b'), answeringGroup('z')], fallbacks: [{ z: ['a'] }], default_fallbacks: ['b'] },
      ['b'],
    );

    expect(commit.group).toBe('b');
  });

  it('prefers an entry in fallbacks over default_fallbacks', () => {
    const { commit } = answeredBy(
      { model_list: [failingGroup('a'), answeringGroup('b'), answeringGroup('c')], fallbacks: [{ a: ['b'] }], default_fallbacks: ['c'] },
      ['b', 'c'],
    );

    expect(commit.group).toBe('b');
  });

  it('uses context_window_fallbacks for a context-window error', () => {
    const { commit } = answeredBy(
      {
        model_list: [failingGroup('a', 'litellm.ContextWindowExceededError'), answeringGroup('b'), answeringGroup('big')],
        fallbacks: [{ a: ['b'] }],
        context_window_fallbacks: [{ a: ['big'] }],
      },
      ['b', 'big'],
    );

    expect(commit.group).toBe('big');
  });

  it('uses content_policy_fallbacks for a content-policy error', () => {
    const { commit } = answeredBy(
      {
        model_list: [failingGroup('a', 'litellm.ContentPolicyViolationError'), answeringGroup('b'), answeringGroup('safe')],
        fallbacks: [{ a: ['b'] }],
        content_policy_fallbacks: [{ a: ['safe'] }],
      },
      ['b', 'safe'],
    );

    expect(commit.group).toBe('safe');
  });

  it('does not use context_window_fallbacks or content_policy_fallbacks for other errors', () => {
    const { commit } = answeredBy(
      {
        model_list: [failingGroup('a'), answeringGroup('b'), answeringGroup('big'), answeringGroup('safe')],
        fallbacks: [{ a: ['b'] }],
        context_window_fallbacks: [{ a: ['big'] }],
        content_policy_fallbacks: [{ a: ['safe'] }],
      },
      ['b', 'big', 'safe'],
    );

    expect(commit.group).toBe('b');
  });

  it("replaces the router's fallbacks with the request's plain list of group names", () => {
    const { commit, called } = answeredBy(
      { model_list: [failingGroup('a'), answeringGroup('b'), answeringGroup('c')], fallbacks: [{ a: ['b'] }] },
      ['b', 'c'],
      { fallbacks: ['c'] },
    );

    expect(commit.group).toBe('c');
    expect(called).toEqual(['c1']);
  });

  it("replaces the router's fallbacks with the request's list of { group: [fallbacks] } entries", () => {
    const { commit, called } = answeredBy(
      { model_list: [failingGroup('a'), answeringGroup('b'), answeringGroup('c')], fallbacks: [{ a: ['b'] }] },
      ['b', 'c'],
      { fallbacks: [{ a: ['c'] }] },
    );

    expect(commit.group).toBe('c');
    expect(called).toEqual(['c1']);
  });

  it("replaces the router's whole list: its entries for the fallback groups do not apply either", () => {
    const tried = groupsTried(
      { model_list: [failingGroup('a'), failingGroup('b'), failingGroup('c')], fallbacks: [{ a: ['b'] }, { c: ['b'] }] },
      { fallbacks: ['c'] },
    );

    expect(tried).toEqual(['a', 'c']);
  });
});

describe('Router fallbacks: switches', () => {
  it("disable_fallbacks: the group's error goes through without trying any fallback", () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const backup = cold<Output>('-x|', completions);
      const { provider } = scriptedProvider({ b1: [backup] });
      const router = new Router(
        { model_list: [failingGroup('a'), answeringGroup('b')], num_retries: 0, fallbacks: [{ a: ['b'] }] },
        { random: first, provider },
      );

      expectObservable(router.completion$({ model: 'a', messages, disable_fallbacks: true })).toBe(
        '#',
        undefined,
        errorShape(new InternalServerError('')),
      );
      expectSubscriptions(backup.subscriptions).toBe([]);
    });
  });

  it('mock_testing_fallbacks: the requested group fails at once without an upstream call, and its fallbacks answer', () => {
    const { commit, called } = answeredBy(
      { model_list: [answeringGroup('a'), answeringGroup('b')], fallbacks: [{ a: ['b'] }] },
      ['a', 'b'],
      { mock_testing_fallbacks: true },
    );

    expect(called).toEqual(['b1']);
    expect(commit).toMatchObject({ group: 'b', attemptedFallbacks: 1 });
  });
});

describe('Router fallbacks: visits and hops', () => {
  it("never visits a group twice: a fallback's own list pointing back is skipped", () => {
    const tried = groupsTried({
      model_list: [failingGroup('a'), failingGroup('b'), failingGroup('c')],
      fallbacks: [{ a: ['b'] }, { b: ['a', 'c'] }],
    });

    expect(tried).toEqual(['a', 'b', 'c']);
  });

  it('never falls back to the group that failed, even through "*"', () => {
    const tried = groupsTried({ model_list: [failingGroup('a'), failingGroup('b')], fallbacks: [{ '*': ['a', 'b'] }] });

    expect(tried).toEqual(['a', 'b']);
  });

  it('caps the hops at 5 by default (max_fallbacks)', () => {
    const groups = ['a', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7'];
    const error = failedCall(
      {
        model_list: groups.map((group) => failingGroup(group)),
        num_retries: 0,
        fallbacks: groups.slice(0, -1).map((group, index) => ({ [group]: [groups[index + 1] as string] })),
      },
      { model: 'a', messages },
    );

    expect(error.attempts.map((attempt) => attempt.group)).toEqual(['a', 'g1', 'g2', 'g3', 'g4', 'g5']);
    expect(error.attemptedFallbacks).toBe(5);
  });

  it('caps the hops of the whole call with max_fallbacks, nested fallbacks included', () => {
    const tried = groupsTried({
      model_list: ['a', 'b', 'c', 'd'].map((group) => failingGroup(group)),
      fallbacks: [{ a: ['b', 'c'] }, { b: ['d'] }],
      max_fallbacks: 2,
    });

    expect(tried).toEqual(['a', 'b', 'd']);
  });

  it('turns fallbacks off with max_fallbacks: 0', () => {
    const tried = groupsTried({ model_list: [failingGroup('a'), failingGroup('b')], fallbacks: [{ a: ['b'] }], max_fallbacks: 0 });

    expect(tried).toEqual(['a']);
  });
});

describe('Router fallbacks: a content-policy error', () => {
  it('does not fall back through the general fallbacks: without content_policy_fallbacks for its group it ends the call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = new ContentPolicyViolationError('flagged');
      const backup = cold<Output>('-x|', completions);
      const { provider } = scriptedProvider({ a1: [cold<Output>('-#', undefined, refused)], b1: [backup] });
      const router = new Router({ model_list: [answeringGroup('a'), answeringGroup('b')], fallbacks: [{ a: ['b'] }] }, { random: first, provider });

      expectObservable(router.completion$({ model: 'a', messages })).toBe('-#', undefined, errorShape(refused));
      expectSubscriptions(backup.subscriptions).toBe([]);
    });
  });
});
