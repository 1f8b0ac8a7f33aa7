import { noop, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import { InternalServerError, RateLimitError } from '../../src/errors/error-classes.js';
import type { RouterRequest } from '../../src/protocol/chat.js';
import type { Router } from '../../src/router/router.js';
import { completion, createTestScheduler, deployment, providerBy, request, routerFor } from '../routing/router-fixture.js';

type Params = Parameters<typeof deployment>[2];

/** Runs `calls` calls (each at its own frame) that all go to deployment `a`, which fails with `error()`; returns a's state after each. */
function afterFailures(config: Omit<RouterConfig, 'model_list'>, a: Params, error: () => Error, extra: Partial<RouterRequest> = {}, calls = 1) {
  const testScheduler = createTestScheduler();
  const states: DeploymentState[] = [];
  testScheduler.run(() => {
    const router: Router = routerFor(
      testScheduler,
      { num_retries: 0, ...config, model_list: [deployment('g', 'a', a), deployment('g', 'b')] },
      { provider: providerBy({ a: () => throwError(error), b: () => of(completion('ok')) }) },
    );
    for (let index = 0; index < calls; index++) {
      testScheduler.schedule(() => {
        router.completion$(request('g', extra)).subscribe({ error: noop });
        router.deploymentState$('a').subscribe((state) => states.push(state)).unsubscribe();
      }, index);
    }
  });
  return states;
}

const rateLimited = (retryAfter?: number) => () => new RateLimitError('slow down', retryAfter === undefined ? {} : { retryAfter });

describe('cooldown duration: request cooldown_time > deployment > Retry-After > router (5 s); 0 disables', () => {
  it.each([
    { source: 'request', request: 1, deployment: 2, retryAfter: 3, router: 4, until: 1_000 },
    { source: 'deployment', request: undefined, deployment: 2, retryAfter: 3, router: 4, until: 2_000 },
    { source: 'Retry-After', request: undefined, deployment: undefined, retryAfter: 3, router: 4, until: 3_000 },
    { source: 'router', request: undefined, deployment: undefined, retryAfter: undefined, router: 4, until: 4_000 },
    { source: 'the 5 s default', request: undefined, deployment: undefined, retryAfter: undefined, router: undefined, until: 5_000 },
    { source: 'request (fractional)', request: 0.25, deployment: undefined, retryAfter: undefined, router: undefined, until: 250 },
    { source: 'request 0 (disabled)', request: 0, deployment: 2, retryAfter: 3, router: 4, until: undefined },
    { source: 'deployment 0 (disabled)', request: undefined, deployment: 0, retryAfter: 3, router: 4, until: undefined },
    { source: 'router 0 (disabled)', request: undefined, deployment: undefined, retryAfter: undefined, router: 0, until: undefined },
    // A router-wide 0 means "never cool": a provider's Retry-After does not turn cooldowns back on.
    { source: 'router 0 over Retry-After', request: undefined, deployment: undefined, retryAfter: 3, router: 0, until: undefined },
    { source: 'deployment over router 0', request: undefined, deployment: 2, retryAfter: 3, router: 0, until: 2_000 },
    { source: 'request over deployment 0', request: 2, deployment: 0, retryAfter: undefined, router: undefined, until: 2_000 },
  ])('uses $source', ({ request: requestTime, deployment: deploymentTime, retryAfter, router, until }) => {
    const [state] = afterFailures(
      router === undefined ? {} : { cooldown_time: router },
      deploymentTime === undefined ? {} : { cooldown_time: deploymentTime },
      rateLimited(retryAfter),
      requestTime === undefined ? {} : { cooldown_time: requestTime },
    );
    expect(state?.totals.failed).toBe(1);
    expect(state?.cooldownUntil).toBe(until);
  });

  it('disable_cooldowns: a 429 never cools, whatever cooldown_time says', () => {
    const [state] = afterFailures({ disable_cooldowns: true, cooldown_time: 10 }, { cooldown_time: 10 }, rateLimited(10), { cooldown_time: 10 });
    expect(state?.cooldownUntil).toBeUndefined();
    expect(state?.totals.failed).toBe(1);
  });
});

describe('allowed_fails and allowed_fails_policy reach the deployment actors', () => {
  it('allowed_fails 1: the first 429 does not cool, the second does', () => {
    const states = afterFailures({ allowed_fails: 1 }, {}, rateLimited(), {}, 2);
    expect(states.map((state) => state.cooldownUntil)).toEqual([undefined, 1 + 5_000]);
  });

  it('allowed_fails_policy InternalServerErrorAllowedFails 0: the first 500 cools', () => {
    const states = afterFailures({ allowed_fails_policy: { InternalServerErrorAllowedFails: 0 } }, {}, () => new InternalServerError('boom'));
    expect(states.map((state) => state.cooldownUntil)).toEqual([5_000]);
  });

  it('without a policy, one 500 of one call does not cool', () => {
    const states = afterFailures({}, {}, () => new InternalServerError('boom'));
    expect(states.map((state) => state.cooldownUntil)).toEqual([undefined]);
  });

  it('the only deployment of a group is not cooled for 429', () => {
    const testScheduler = createTestScheduler();
    let state: DeploymentState | undefined;
    testScheduler.run(() => {
      const router = routerFor(
        testScheduler,
        { num_retries: 0, model_list: [deployment('solo', 'a', { mock_response: 'litellm.RateLimitError' })] },
      );
      router.completion$(request('solo')).subscribe({ error: noop });
      router.deploymentState$('a').subscribe((value) => (state = value)).unsubscribe();
    });
    expect(state?.totals.failed).toBe(1);
    expect(state?.cooldownUntil).toBeUndefined();
    expect(state?.health.map((bucket) => bucket.failuresByKind)).toEqual([{ rate_limit: 1 }]);
  });
});
