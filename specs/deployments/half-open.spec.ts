import { describe, expect, it } from 'vitest';
import type { CooldownRules } from '../../src/deployments/cooldown-rules.js';
import type { DeploymentMessage } from '../../src/deployments/deployment-message.js';
import { type DeploymentState, initialDeploymentState, probeSlotsFull } from '../../src/deployments/deployment-state.js';
import type { FailureKind } from '../../src/deployments/failure-kind.js';
import { createDeploymentReducer } from '../../src/deployments/reduce-deployment.js';

// DESIGN §12, the reducer alone (pure, no scheduler): when a cooldown ends the deployment is
// half-open; probes are the attempts started then; a probe's verdict closes it or cools it again.

const statusOf: Record<FailureKind, number> = {
  rate_limit: 429,
  authentication: 401,
  not_found: 404,
  timeout: 408,
  server: 500,
  connection: 502,
  bad_request: 400,
  content_policy: 400,
  permission: 403,
  unprocessable: 422,
  other: 409,
};

function rulesWith(overrides: Partial<CooldownRules> = {}): CooldownRules {
  return { sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined, probeRequests: 1, maxCooldownMs: 40_000, ...overrides };
}

const started: DeploymentMessage = { type: 'attemptStarted' };
const expired: DeploymentMessage = { type: 'cooldownExpired' };

/** A failure; `probeOf` the half-open spell (its `since`) the attempt probed, undefined for no probe. */
function failed(kind: FailureKind, probeOf: number | undefined, cooldownMs = 5_000): DeploymentMessage {
  return { type: 'attemptFailed', error: { kind, status: statusOf[kind], code: kind }, latencyMs: 10, cooldownMs, probeOf };
}

function succeeded(probeOf: number | undefined): DeploymentMessage {
  return { type: 'attemptSucceeded', latencyMs: 10, ttftMs: undefined, outputTokens: 1, tokens: 2, probeOf };
}

/** Deep-frozen, so that a reducer that wrote into its input would throw. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) frozen(field);
    Object.freeze(value);
  }
  return value;
}

/** A deployment cooled by a 429 at t = 0 for `cooldownMs`. */
function cooled(rules: CooldownRules, cooldownMs = 5_000): DeploymentState {
  const reduce = createDeploymentReducer(rules);
  return reduce(reduce(initialDeploymentState('a', 'g'), started, 0), failed('rate_limit', undefined, cooldownMs), 0);
}

describe('createDeploymentReducer: half-open recovery (DESIGN §12)', () => {
  it('a cooldown that ends leaves the deployment half-open, remembering how long it cooled', () => {
    const reduce = createDeploymentReducer(rulesWith());
    const state = frozen(cooled(rulesWith()));
    expect(state).toMatchObject({ cooldownUntil: 5_000, cooldownMs: 5_000, halfOpen: undefined });
    expect(reduce(state, expired, 5_000)).toMatchObject({
      cooldownUntil: undefined,
      cooldownMs: undefined,
      cooldownReason: undefined,
      halfOpen: { since: 5_000, probesInFlight: 0, lastCooldownMs: 5_000 },
    });
  });

  it('cooldown_probe_requests 0: the cooldown ends healthy, as in LiteLLM', () => {
    const rules = rulesWith({ probeRequests: 0 });
    const reduce = createDeploymentReducer(rules);
    const state = reduce(cooled(rules), expired, 5_000);
    expect(state.halfOpen).toBeUndefined();
    expect(state.cooldownUntil).toBeUndefined();
    expect(reduce(state, started, 5_001).halfOpen).toBeUndefined();
  });

  it('every attempt started while half-open is a probe; the slots fill and a cancelled probe frees its slot without a verdict', () => {
    const rules = rulesWith({ probeRequests: 2 });
    const reduce = createDeploymentReducer(rules);
    let state = frozen(reduce(cooled(rules), expired, 5_000));
    state = reduce(state, started, 5_001);
    expect(state.halfOpen?.probesInFlight).toBe(1);
    expect(probeSlotsFull(state, 2)).toBe(false);
    state = frozen(reduce(state, started, 5_002));
    expect(state.halfOpen?.probesInFlight).toBe(2);
    expect(probeSlotsFull(state, 2)).toBe(true);
    state = reduce(state, { type: 'attemptCancelled', probeOf: 5_000 }, 5_003);
    expect(state).toMatchObject({ cooldownUntil: undefined, halfOpen: { since: 5_000, probesInFlight: 1, lastCooldownMs: 5_000 } });
    expect(probeSlotsFull(state, 2)).toBe(false);
  });

  it('a successful probe closes the deployment', () => {
    const reduce = createDeploymentReducer(rulesWith());
    let state = reduce(reduce(cooled(rulesWith()), expired, 5_000), started, 5_001);
    state = reduce(state, succeeded(5_000), 5_100);
    expect(state).toMatchObject({ cooldownUntil: undefined, cooldownMs: undefined, halfOpen: undefined, inFlight: 0 });
    expect(probeSlotsFull(state, 1)).toBe(false);
  });

  it('each failed probe cools for twice the cooldown that ended, up to max_cooldown_time; a success starts the doubling over', () => {
    const rules = rulesWith({ maxCooldownMs: 40_000 });
    const reduce = createDeploymentReducer(rules);
    let state = cooled(rules);
    let now = 0;
    const lengths: number[] = [];
    const probe = (outcome: (since: number) => DeploymentMessage) => {
      now = state.cooldownUntil as number;
      state = reduce(reduce(reduce(state, expired, now), started, now), outcome(now), now + 1);
      if (state.cooldownUntil !== undefined) lengths.push(state.cooldownUntil - (now + 1));
    };
    for (let index = 0; index < 5; index++) probe((since) => failed('server', since));
    expect(lengths).toEqual([10_000, 20_000, 40_000, 40_000, 40_000]);
    probe(succeeded);
    expect(state.halfOpen).toBeUndefined();
    // Closed: the next 429 cools for its own 5 s, and the probe after it for 10 s again.
    state = reduce(reduce(state, started, now + 2), failed('rate_limit', undefined), now + 2);
    expect(state.cooldownMs).toBe(5_000);
    lengths.length = 0;
    probe((since) => failed('server', since));
    expect(lengths).toEqual([10_000]);
  });

  it('a failed probe cools for the failure\'s own cooldown when that is longer than the doubled one (a Retry-After)', () => {
    const reduce = createDeploymentReducer(rulesWith());
    let state = reduce(reduce(cooled(rulesWith()), expired, 5_000), started, 5_000);
    state = reduce(state, failed('rate_limit', 5_000, 30_000), 5_000);
    expect(state.cooldownUntil).toBe(35_000);
    expect(state.cooldownMs).toBe(30_000);
  });

  it.each([
    { kind: 'server', rules: {}, cools: true, why: 'one 5xx, not the 50%-of-5 rule' },
    { kind: 'timeout', rules: {}, cools: true, why: 'one 408' },
    { kind: 'connection', rules: {}, cools: true, why: 'one connection error' },
    { kind: 'rate_limit', rules: {}, cools: true, why: 'a 429' },
    { kind: 'authentication', rules: {}, cools: true, why: 'a 401' },
    { kind: 'not_found', rules: {}, cools: true, why: 'a 404' },
    { kind: 'server', rules: { allowedFails: 3 }, cools: true, why: 'allowed_fails does not shield a probe' },
    { kind: 'bad_request', rules: {}, cools: false, why: 'a 400 is the request\'s fault' },
    { kind: 'content_policy', rules: {}, cools: false, why: 'a content-policy 400 is the request\'s fault' },
    { kind: 'permission', rules: {}, cools: false, why: 'a 403 is the request\'s fault' },
    { kind: 'unprocessable', rules: {}, cools: false, why: 'a 422 is the request\'s fault' },
    { kind: 'other', rules: {}, cools: false, why: 'a 409 never cools on its own' },
    { kind: 'server', rules: { sole: true }, cools: false, why: 'a group\'s only deployment is never cooled for 5xx' },
    { kind: 'rate_limit', rules: { sole: true }, cools: false, why: 'nor for 429' },
    { kind: 'authentication', rules: { sole: true }, cools: true, why: 'but is for 401' },
    { kind: 'server', rules: { disabled: true }, cools: false, why: 'disable_cooldowns' },
  ] satisfies { kind: FailureKind; rules: Partial<CooldownRules>; cools: boolean; why: string }[])(
    'a probe failing with $kind ($why): cools again $cools',
    ({ kind, rules, cools }) => {
      const all = rulesWith(rules);
      const reduce = createDeploymentReducer(all);
      const probing = frozen(reduce(reduce(cooled(rulesWith()), expired, 5_000), started, 5_000));
      const state = reduce(probing, failed(kind, 5_000), 5_010);
      if (cools) {
        expect(state).toMatchObject({ cooldownUntil: 15_010, cooldownMs: 10_000, cooldownReason: kind, halfOpen: undefined });
      } else {
        // No verdict: the slot is free, the deployment still half-open.
        expect(state).toMatchObject({ cooldownUntil: undefined, halfOpen: { since: 5_000, probesInFlight: 0, lastCooldownMs: 5_000 } });
      }
    },
  );

  it('a probe failure whose cooldown is 0 (cooldowns off for that call) frees the slot without cooling', () => {
    const reduce = createDeploymentReducer(rulesWith());
    const probing = reduce(reduce(cooled(rulesWith()), expired, 5_000), started, 5_000);
    expect(reduce(probing, failed('server', 5_000, 0), 5_010)).toMatchObject({ cooldownUntil: undefined, halfOpen: { probesInFlight: 0 } });
  });

  it('an attempt started before the cooldown is no probe: its end neither closes the deployment nor frees a slot', () => {
    const reduce = createDeploymentReducer(rulesWith());
    // Two attempts start at 0; one fails with a 429 and cools; the other outlives the cooldown.
    let state = reduce(initialDeploymentState('a', 'g'), started, 0);
    state = reduce(reduce(state, started, 0), failed('rate_limit', undefined), 0);
    state = reduce(reduce(state, expired, 5_000), started, 5_001);
    expect(state.halfOpen?.probesInFlight).toBe(1);
    state = reduce(state, succeeded(undefined), 5_002);
    expect(state).toMatchObject({ inFlight: 1, halfOpen: { probesInFlight: 1 } });
  });

  it('a cooldown that ran out ends before the next message even when cooldownExpired has not come yet: the attempt is a probe', () => {
    const reduce = createDeploymentReducer(rulesWith());
    const state = reduce(cooled(rulesWith()), started, 5_000);
    expect(state).toMatchObject({ cooldownUntil: undefined, halfOpen: { since: 5_000, probesInFlight: 1, lastCooldownMs: 5_000 } });
    // One millisecond early it is still cooling, and the attempt is no probe.
    expect(reduce(cooled(rulesWith()), started, 4_999)).toMatchObject({ cooldownUntil: 5_000, halfOpen: undefined });
  });

  it('a probe of an earlier spell frees no slot of the current one, and its verdict is no probe\'s', () => {
    const reduce = createDeploymentReducer(rulesWith());
    // Spell 1 from 5 s: probe P1 (slow). An older attempt's 429 cools the deployment again; spell 2 from 15 s: probe P2.
    let state = reduce(reduce(cooled(rulesWith()), started, 5_000), started, 5_000);
    expect(state.halfOpen).toMatchObject({ since: 5_000, probesInFlight: 2 });
    state = reduce(state, failed('rate_limit', undefined), 10_000);
    expect(state).toMatchObject({ cooldownUntil: 15_000, halfOpen: undefined });
    state = reduce(state, started, 15_000);
    expect(state.halfOpen).toMatchObject({ since: 15_000, probesInFlight: 1 });
    // P1 ends now: cancelled, or even successful, it says nothing of spell 2.
    expect(reduce(state, { type: 'attemptCancelled', probeOf: 5_000 }, 15_100).halfOpen).toMatchObject({ since: 15_000, probesInFlight: 1 });
    expect(reduce(state, succeeded(5_000), 15_100).halfOpen).toMatchObject({ since: 15_000, probesInFlight: 1 });
  });
});
