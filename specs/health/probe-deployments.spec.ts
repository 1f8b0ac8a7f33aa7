import { distinctUntilChanged, map, type Observable, switchMap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { AuthenticationError, InternalServerError, RateLimitError } from '../../src/errors/error-classes.js';
import type { HealthReport } from '../../src/health/health-report.js';
import type { EmbeddingResponse } from '../../src/protocol/embedding.js';
import type { TextCompletion } from '../../src/protocol/text-completion.js';
import { Router } from '../../src/router/router.js';
import { createTestScheduler } from '../support/marbles.js';
import { completion, deployment, first, messages, scriptedProvider, type Output } from '../router/support.js';

// Health probes in virtual time: each deployment's minimal call straight to its provider, in
// parallel, each under its health-check timeout, reported to its actor as an attempt would be.

type Row = [id: string, healthy: boolean, code: string | undefined];

/** A report as `[id, healthy, error code]` rows, to compare in diagrams. */
function rows(report$: Observable<HealthReport>): Observable<Row[]> {
  return report$.pipe(map((report) => report.probes.map((probe): Row => [probe.deployment.id, probe.healthy, probe.error?.code])));
}

const x = completion('x');

const text: TextCompletion = {
  id: 'cmpl-1',
  object: 'text_completion',
  created: 0,
  model: 'instruct',
  choices: [{ index: 0, text: 'p', finish_reason: 'length', logprobs: null }],
};

const vectors: EmbeddingResponse = {
  object: 'list',
  data: [{ object: 'embedding', index: 0, embedding: [0.1] }],
  model: 'embed',
  usage: { prompt_tokens: 1, total_tokens: 1 },
};

describe('Router.probeDeployments$', () => {
  it('probes every deployment at once and reports when the slowest has answered or timed out', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const hang = cold<Output>('-');
      const script = scriptedProvider({
        up: [cold('50ms (x|)', { x })],
        down: [cold('30ms #', undefined, new InternalServerError('boom'))],
        hung: [hang],
      });
      const config: RouterConfig = {
        model_list: [deployment('g', 'up'), deployment('g', 'down'), { ...deployment('g', 'hung'), model_info: { id: 'hung', health_check_timeout: 2 } }],
      };
      const router = new Router(config, { provider: script.provider, random: first });
      expectObservable(rows(router.probeDeployments$())).toBe(`${2000}ms (r|)`, {
        r: [
          ['up', true, undefined],
          ['down', false, 'internal_server_error'],
          ['hung', false, 'health_check_timeout'],
        ],
      });
      // The hung probe's request is aborted when its timeout fires.
      expectSubscriptions(hang.subscriptions).toBe(`^ ${2000 - 1}ms !`);
    });
  });

  it('sends one short message with max_tokens 1 (chat), a prompt (completion) or one input (embedding)', () => {
    const calls: { kind: string | undefined; body: Readonly<Record<string, unknown>>; stream: boolean }[] = [];
    createTestScheduler().run(({ cold }) => {
      const script = scriptedProvider({
        chat: [cold('(x|)', { x })],
        instruct: [cold('(t|)', { t: text })],
        embed: [cold('(v|)', { v: vectors })],
      });
      const config: RouterConfig = {
        model_list: [
          deployment('chat', 'chat', { temperature: 0.2 }),
          { ...deployment('instruct', 'instruct'), model_info: { id: 'instruct', mode: 'completion' } },
          { ...deployment('embed', 'embed'), model_info: { id: 'embed', mode: 'embedding' } },
        ],
      };
      new Router(config, { provider: script.provider, random: first }).probeDeployments$().subscribe();
      calls.push(...script.calls.map((call) => ({ kind: call.request.kind, body: call.request.body, stream: call.request.stream })));
    });
    expect(calls).toEqual([
      { kind: 'chat', stream: false, body: { temperature: 0.2, model: 'chat', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 } },
      { kind: 'text_completion', stream: false, body: { model: 'instruct', prompt: 'ping', max_tokens: 1 } },
      { kind: 'embedding', stream: false, body: { model: 'embed', input: ['ping'] } },
    ]);
  });

  it('makes exactly one provider call per deployment, however many retries the router allows', () => {
    createTestScheduler().run(({ cold }) => {
      const script = scriptedProvider({ a: [cold('#', undefined, new InternalServerError('boom'))], b: [cold('(x|)', { x })] });
      const router = new Router({ model_list: [deployment('g', 'a'), deployment('g', 'b')], num_retries: 5 }, { provider: script.provider, random: first });
      router.probeDeployments$().subscribe();
      expect(script.deploymentsCalled()).toEqual(['a', 'b']);
    });
  });

  it('probes only the deployments of `group` (an alias stands for its group), and 404s an unknown group', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({ a: [cold('(x|)', { x })], b: [cold('(x|)', { x })] });
      const config: RouterConfig = { model_list: [deployment('one', 'a'), deployment('two', 'b')], model_group_alias: { second: 'two' } };
      const router = new Router(config, { provider: script.provider, random: first });
      expectObservable(rows(router.probeDeployments$({ group: 'one' }))).toBe('(r|)', { r: [['a', true, undefined]] });
      expectObservable(rows(router.probeDeployments$({ group: 'second' }))).toBe('(r|)', { r: [['b', true, undefined]] });
      expectObservable(router.probeDeployments$({ group: 'nope' })).toBe('#', undefined, { name: 'NotFoundError', code: 'model_not_found', status: 404 });
    });
  });

  it('takes model_info.health_check_timeout over the caller’s default, and the caller’s over 60 s', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({ own: [cold('-')], other: [cold('-')] });
      const config: RouterConfig = {
        model_list: [{ ...deployment('g', 'own'), model_info: { id: 'own', health_check_timeout: 0.5 } }, deployment('g', 'other')],
      };
      const router = new Router(config, { provider: script.provider, random: first });
      const probes$ = router.probeDeployments$({ timeoutMs: 3000 }).pipe(map((report) => report.probes.map((probe) => probe.latencyMs)));
      expectObservable(probes$).toBe(`${3000}ms (l|)`, { l: [500, 3000] });
      expectObservable(rows(new Router(config, { provider: scriptedProvider({ own: [cold('-')], other: [cold('-')] }).provider }).probeDeployments$({ group: 'g', deploymentId: 'other' }))).toBe(
        `${60000}ms (r|)`,
        { r: [['other', false, 'health_check_timeout']] },
      );
    });
  });
});

describe('probes feed the deployment actors (DESIGN §6)', () => {
  it('a failed probe cools its deployment as a failed attempt would, so the next call skips it', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({
        bad: [cold('#', undefined, new AuthenticationError('bad key'))],
        good: [cold('(x|)', { x }), cold('(x|)', { x })],
      });
      const router = new Router({ model_list: [deployment('g', 'bad'), deployment('g', 'good')], cooldown_time: 30 }, { provider: script.provider, random: first });
      router.probeDeployments$().subscribe();
      const bad = router.deploymentState$('bad');
      expectObservable(bad.pipe(map((state) => [state.cooldownUntil, state.cooldownReason, state.totals])), '-!').toBe('s', {
        s: [30_000, 'invalid_api_key', { started: 1, succeeded: 0, failed: 1, cancelled: 0 }],
      });
      // `first` would pick `bad` were it not cooling.
      expectObservable(router.completion$({ model: 'g', messages }).pipe(map((answer) => answer.id))).toBe('(i|)', { i: 'chatcmpl-x' });
    });
  });

  it('a healthy probe counts as a success, and the totals stay balanced', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({ a: [cold('10ms (x|)', { x })] });
      const router = new Router({ model_list: [deployment('g', 'a')] }, { provider: script.provider });
      router.probeDeployments$().subscribe();
      expectObservable(router.deploymentState$('a').pipe(map((state) => [state.inFlight, state.totals.started, state.totals.succeeded]))).toBe('s 9ms t', {
        s: [1, 1, 0],
        t: [0, 1, 1],
      });
    });
  });

  it('a 429 probe cools for its Retry-After when neither the deployment nor the router set cooldown_time', () => {
    const until: (number | undefined)[] = [];
    createTestScheduler().run(({ cold }) => {
      const script = scriptedProvider({
        a: [cold('#', undefined, new RateLimitError('slow down', { retryAfter: 7 }))],
        b: [cold('(x|)', { x })],
      });
      const router = new Router({ model_list: [deployment('g', 'a'), deployment('g', 'b', { cooldown_time: 2 })] }, { provider: script.provider });
      router.probeDeployments$().subscribe();
      router.deploymentState$('a').subscribe((state) => until.push(state.cooldownUntil));
    });
    // Cooling until 7 s, then back (the cooldown expired as the virtual clock ran on).
    expect(until).toEqual([undefined, 7_000, undefined]);
  });

  it('a mock_timeout deployment is reported unhealthy but never cooled: its hang says nothing about it', () => {
    createTestScheduler().run(({ expectObservable }) => {
      const config: RouterConfig = {
        model_list: [
          { model_name: 'g', litellm_params: { model: 'openai/h', mock_timeout: true }, model_info: { id: 'h', health_check_timeout: 1 } },
          { model_name: 'g', litellm_params: { model: 'openai/m', mock_response: 'hi' }, model_info: { id: 'm' } },
        ],
      };
      const router = new Router(config, { provider: scriptedProvider({}).provider });
      expectObservable(rows(router.probeDeployments$())).toBe(`${1000}ms (r|)`, {
        r: [
          ['h', false, 'health_check_timeout'],
          ['m', true, undefined],
        ],
      });
      expectObservable(router.deploymentState$('h').pipe(map((state) => [state.cooldownUntil, state.totals.cancelled])), `${1000 + 1}ms !`).toBe(
        `s ${1000 - 1}ms t`,
        { s: [undefined, 0], t: [undefined, 1] },
      );
    });
  });

  it('unsubscribing aborts the probes in flight and tells their actors of a cancellation', () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const hang = cold<Output>('-');
      const router = new Router({ model_list: [deployment('g', 'a')] }, { provider: scriptedProvider({ a: [hang] }).provider });
      expectObservable(router.probeDeployments$(), '100ms !').toBe('');
      expectSubscriptions(hang.subscriptions).toBe('^ 99ms !');
      expectObservable(router.deploymentState$('a').pipe(map((state) => [state.inFlight, state.totals.cancelled])), '101ms !').toBe('s 99ms t', {
        s: [1, 0],
        t: [0, 1],
      });
    });
  });
});

describe('Router.healthChecks$', () => {
  it('runs a round at once and then every interval on the router’s scheduler', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({ a: [cold('10ms (x|)', { x })] });
      const router = new Router({ model_list: [deployment('g', 'a')] }, { provider: script.provider });
      const interval = 300000;
      const rounds$ = router.healthChecks$(interval).pipe(map((report) => report.at));
      expectObservable(rounds$, `${2 * interval + 20}ms !`).toBe(`10ms a ${interval - 1}ms b ${interval - 1}ms c`, {
        a: 10,
        b: interval + 10,
        c: 2 * interval + 10,
      });
    });
  });

  it('skips a tick while the last round is still running rather than doubling the probes', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({ a: [cold('-')] });
      const config: RouterConfig = { model_list: [{ ...deployment('g', 'a'), model_info: { id: 'a', health_check_timeout: 1.5 } }] };
      const router = new Router(config, { provider: script.provider });
      // Rounds start at 0 and 2 s (the tick at 1 s finds the first still running) and end 1.5 s later.
      expectObservable(router.healthChecks$(1000).pipe(map((report) => report.at)), `${4000}ms !`).toBe(
        `${1500}ms a ${2000 - 1}ms b`,
        { a: 1500, b: 3500 },
      );
    });
  });

  it('feeds cooldowns: a deployment failing its background probe is skipped by later calls, and back once its cooldown ends', () => {
    let called: string[] = [];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const script = scriptedProvider({
        flaky: [cold('#', undefined, new AuthenticationError('revoked')), cold('(x|)', { x })],
        steady: [cold('(x|)', { x })],
      });
      const config: RouterConfig = { model_list: [deployment('g', 'flaky'), deployment('g', 'steady')], cooldown_time: 10 };
      const router = new Router(config, { provider: script.provider, random: first });
      const checks = router.healthChecks$(60000).subscribe();
      // `first` picks `flaky` whenever it is not cooling.
      const call = (at: number) => timer(at).pipe(switchMap(() => router.completion$({ model: 'g', messages })));
      call(5000).subscribe();
      call(15000).subscribe();
      const cooling$ = router.deploymentState$('flaky').pipe(
        map((state) => state.cooldownUntil !== undefined),
        distinctUntilChanged(),
      );
      expectObservable(cooling$, `${20000}ms !`).toBe(`(ft) ${10000 - 4}ms f`, { t: true, f: false });
      timer(20000).subscribe(() => {
        checks.unsubscribe();
        called = script.deploymentsCalled();
      });
    });
    // The first round probes both; the call at 5 s goes to `steady`, the one at 15 s to `flaky` again.
    expect(called).toEqual(['flaky', 'steady', 'steady', 'flaky']);
  });
});
