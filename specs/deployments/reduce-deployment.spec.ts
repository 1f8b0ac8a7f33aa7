import { describe, expect, it } from 'vitest';
import type { CooldownRules } from '../../src/deployments/cooldown-rules.js';
import type { DeploymentMessage } from '../../src/deployments/deployment-message.js';
import { type DeploymentState, initialDeploymentState, isCooling } from '../../src/deployments/deployment-state.js';
import type { FailureKind } from '../../src/deployments/failure-kind.js';
import { createDeploymentReducer } from '../../src/deployments/reduce-deployment.js';

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
  other: 500,
};

const cooldownMs = 5_000;

function failed(kind: FailureKind, cooldown = cooldownMs): DeploymentMessage {
  return { type: 'attemptFailed', error: { kind, status: statusOf[kind], code: kind }, latencyMs: 100, cooldownMs: cooldown };
}

const succeeded: DeploymentMessage = { type: 'attemptSucceeded', latencyMs: 100, ttftMs: undefined, outputTokens: 10, tokens: 20 };

function rulesWith(overrides: Partial<CooldownRules> = {}): CooldownRules {
  return { sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined, probeRequests: 1, maxCooldownMs: 300_000, ...overrides };
}

/** Feeds `messages` to a fresh state, one every 100 ms from t = 1 s; returns every intermediate state. */
function replay(rules: CooldownRules, messages: readonly DeploymentMessage[], start = 1_000): { states: DeploymentState[]; at: number[] } {
  const reduce = createDeploymentReducer(rules);
  let state = initialDeploymentState('a', 'g');
  const states: DeploymentState[] = [];
  const at: number[] = [];
  messages.forEach((message, index) => {
    const now = start + index * 100;
    state = reduce(state, { type: 'attemptStarted' }, now);
    state = reduce(state, message, now);
    states.push(state);
    at.push(now);
  });
  return { states, at };
}

type Outcome = FailureKind | 'ok';
const message = (outcome: Outcome) => (outcome === 'ok' ? succeeded : failed(outcome));
const times = (count: number, outcome: Outcome): Outcome[] => Array.from({ length: count }, () => outcome);

interface Row {
  readonly rule: string;
  readonly rules?: Partial<CooldownRules>;
  /** Calls before the one under test, within the same minute. */
  readonly before: readonly Outcome[];
  /** The failure under test. */
  readonly last: FailureKind;
  readonly cools: boolean;
}

// Each row: a deployment's last minute, then one more failure. `cools` says whether THAT failure starts
// a cooldown; every row also checks that nothing before it did, so the row pins the exact threshold.
const rows: Row[] = [
  // 429: at once, in a group of more than one; never for a group's only deployment.
  { rule: '429 cools at once in a group of two', before: [], last: 'rate_limit', cools: true },
  { rule: '429 never cools the only deployment of a group', rules: { sole: true }, before: times(9, 'rate_limit'), last: 'rate_limit', cools: false },
  // 401 and 404: at once, the only deployment too (a wrong key or model name does not heal).
  { rule: '401 cools at once', before: [], last: 'authentication', cools: true },
  { rule: '404 cools at once', before: [], last: 'not_found', cools: true },
  { rule: '401 cools even the only deployment', rules: { sole: true }, before: [], last: 'authentication', cools: true },
  { rule: '404 cools even the only deployment', rules: { sole: true }, before: [], last: 'not_found', cools: true },
  // 400, 403, 422: the request's fault, never.
  { rule: '400 never cools', before: times(9, 'bad_request'), last: 'bad_request', cools: false },
  { rule: 'a content-policy 400 never cools', before: times(9, 'content_policy'), last: 'content_policy', cools: false },
  { rule: '403 never cools', before: times(9, 'permission'), last: 'permission', cools: false },
  { rule: '422 never cools', before: times(9, 'unprocessable'), last: 'unprocessable', cools: false },
  // 408, 5xx, connection: more than 50% of at least 5 calls in the last minute.
  { rule: '5xx: one failure alone does not cool', before: [], last: 'server', cools: false },
  { rule: '5xx: 4 of 4 failed is under 5 calls', before: times(3, 'server'), last: 'server', cools: false },
  { rule: '5xx: 3 of 5 failed (60%) cools', before: ['ok', 'ok', 'server', 'server'], last: 'server', cools: true },
  { rule: '5xx: 3 of 6 failed (exactly 50%) does not cool', before: ['ok', 'ok', 'ok', 'server', 'server'], last: 'server', cools: false },
  { rule: '5xx: 5 of 5 failed cools', before: times(4, 'server'), last: 'server', cools: true },
  { rule: '408: 3 of 5 failed cools', before: ['ok', 'ok', 'timeout', 'timeout'], last: 'timeout', cools: true },
  { rule: '408: 2 of 5 failed does not cool', before: ['ok', 'ok', 'ok', 'timeout'], last: 'timeout', cools: false },
  { rule: 'a connection error counts: 3 of 5 cools', before: ['ok', 'ok', 'connection', 'connection'], last: 'connection', cools: true },
  { rule: 'kinds add up: 408 + 5xx + connection, 3 of 5', before: ['ok', 'ok', 'timeout', 'server'], last: 'connection', cools: true },
  { rule: '400s are not calls for the ratio: 2 of 4 counted', before: ['ok', 'ok', 'bad_request', 'bad_request', 'server'], last: 'server', cools: false },
  { rule: '5xx never cools the only deployment, even 10 of 10', rules: { sole: true }, before: times(9, 'server'), last: 'server', cools: false },
  { rule: '408 never cools the only deployment', rules: { sole: true }, before: times(9, 'timeout'), last: 'timeout', cools: false },
  { rule: 'a connection error never cools the only deployment', rules: { sole: true }, before: times(9, 'connection'), last: 'connection', cools: false },
  // disable_cooldowns.
  { rule: 'disable_cooldowns: 429 does not cool', rules: { disabled: true }, before: [], last: 'rate_limit', cools: false },
  { rule: 'disable_cooldowns: 401 does not cool', rules: { disabled: true }, before: [], last: 'authentication', cools: false },
  { rule: 'disable_cooldowns: 5 of 5 5xx do not cool', rules: { disabled: true }, before: times(4, 'server'), last: 'server', cools: false },
  // allowed_fails: more than N failures of any class in the last minute; replaces the default rules.
  { rule: 'allowed_fails 2: the 3rd 5xx cools, 3 of 10 calls', rules: { allowedFails: 2 }, before: [...times(7, 'ok'), 'server', 'server'], last: 'server', cools: true },
  { rule: 'allowed_fails 2: the 2nd 429 does not cool', rules: { allowedFails: 2 }, before: ['rate_limit'], last: 'rate_limit', cools: false },
  { rule: 'allowed_fails 2: the 3rd failure cools, whatever the classes', rules: { allowedFails: 2 }, before: ['rate_limit', 'timeout'], last: 'server', cools: true },
  { rule: 'allowed_fails 0: the first 5xx cools', rules: { allowedFails: 0 }, before: [], last: 'server', cools: true },
  { rule: 'allowed_fails 5: 5 of 5 5xx do not cool', rules: { allowedFails: 5 }, before: times(4, 'server'), last: 'server', cools: false },
  { rule: 'allowed_fails never cools for 400', rules: { allowedFails: 0 }, before: [], last: 'bad_request', cools: false },
  { rule: 'allowed_fails never cools the only deployment for 429', rules: { allowedFails: 0, sole: true }, before: [], last: 'rate_limit', cools: false },
  // allowed_fails_policy: more than N failures of the error's class; replaces every other rule for that class.
  {
    rule: 'RateLimitErrorAllowedFails 2: the 3rd 429 cools',
    rules: { allowedFailsPolicy: { RateLimitErrorAllowedFails: 2 } },
    before: ['rate_limit', 'rate_limit'],
    last: 'rate_limit',
    cools: true,
  },
  {
    rule: 'RateLimitErrorAllowedFails 2: 5xx in between do not count towards it',
    rules: { allowedFailsPolicy: { RateLimitErrorAllowedFails: 2 } },
    before: ['rate_limit', 'ok', 'ok', 'ok', 'ok', 'server'],
    last: 'rate_limit',
    cools: false,
  },
  {
    rule: 'InternalServerErrorAllowedFails 0: the first 5xx cools',
    rules: { allowedFailsPolicy: { InternalServerErrorAllowedFails: 0 } },
    before: [],
    last: 'server',
    cools: true,
  },
  {
    rule: 'TimeoutErrorAllowedFails 1: the 2nd 408 cools, out of 10 calls',
    rules: { allowedFailsPolicy: { TimeoutErrorAllowedFails: 1 } },
    before: [...times(8, 'ok'), 'timeout'],
    last: 'timeout',
    cools: true,
  },
  {
    rule: 'AuthenticationErrorAllowedFails 1: the 1st 401 does not cool',
    rules: { allowedFailsPolicy: { AuthenticationErrorAllowedFails: 1 } },
    before: [],
    last: 'authentication',
    cools: false,
  },
  {
    rule: 'a policy for another class leaves 429 at once',
    rules: { allowedFailsPolicy: { TimeoutErrorAllowedFails: 10 } },
    before: [],
    last: 'rate_limit',
    cools: true,
  },
  {
    rule: 'the class policy wins over allowed_fails',
    rules: { allowedFails: 0, allowedFailsPolicy: { RateLimitErrorAllowedFails: 3 } },
    before: ['rate_limit', 'rate_limit'],
    last: 'rate_limit',
    cools: false,
  },
  {
    rule: 'allowed_fails applies to classes the policy does not name',
    rules: { allowedFails: 1, allowedFailsPolicy: { RateLimitErrorAllowedFails: 3 } },
    before: ['connection'],
    last: 'connection',
    cools: true,
  },
  {
    rule: 'BadRequestErrorAllowedFails cannot make a 400 cool',
    rules: { allowedFailsPolicy: { BadRequestErrorAllowedFails: 0 } },
    before: [],
    last: 'bad_request',
    cools: false,
  },
  {
    rule: 'a policy never cools the only deployment for 5xx',
    rules: { sole: true, allowedFailsPolicy: { InternalServerErrorAllowedFails: 0 } },
    before: [],
    last: 'server',
    cools: false,
  },
];

describe('createDeploymentReducer: cooldown rules (DESIGN §6)', () => {
  it.each(rows)('$rule', ({ rules, before, last, cools }) => {
    const { states, at } = replay(rulesWith(rules), [...before.map(message), failed(last)]);
    const earlier = states.slice(0, -1);
    expect(earlier.filter((state) => state.cooldownUntil !== undefined)).toEqual([]);
    const final = states[states.length - 1] as DeploymentState;
    const now = at[at.length - 1] as number;
    expect(final.cooldownUntil).toBe(cools ? now + cooldownMs : undefined);
    expect(isCooling(final, now)).toBe(cools);
  });

  it('only failures of the last minute count towards the 50% rule', () => {
    const reduce = createDeploymentReducer(rulesWith());
    let state = initialDeploymentState('a', 'g');
    const fail = (now: number) => reduce(reduce(state, { type: 'attemptStarted' }, now), failed('server'), now);
    for (const now of [0, 100, 200, 300]) state = fail(now);
    // A minute later the first four are forgotten: one failure of one call does not cool.
    state = fail(61_000);
    expect(state.cooldownUntil).toBeUndefined();
    expect(state.health.reduce((sum, bucket) => sum + bucket.calls, 0)).toBe(1);
    // Within the minute, the fifth failure of five would have.
    let fresh = initialDeploymentState('a', 'g');
    for (const now of [0, 100, 200, 300, 59_000]) fresh = reduce(reduce(fresh, { type: 'attemptStarted' }, now), failed('server'), now);
    expect(fresh.cooldownUntil).toBe(59_000 + cooldownMs);
  });

  it('records the error code that started the cooldown', () => {
    const { states } = replay(rulesWith(), [failed('rate_limit')]);
    expect(states[0]?.cooldownReason).toBe('rate_limit');
  });
});

describe('createDeploymentReducer: cooldown duration', () => {
  const reduce = createDeploymentReducer(rulesWith());
  const start = (state: DeploymentState, now: number) => reduce(state, { type: 'attemptStarted' }, now);

  it.each([
    { cooldown: 5_000, until: 6_000 },
    { cooldown: 30_000, until: 31_000 },
    { cooldown: 0, until: undefined },
  ])('a failure at t=1 s with a cooldown of $cooldown ms cools until $until', ({ cooldown, until }) => {
    const state = reduce(start(initialDeploymentState('a', 'g'), 1_000), failed('rate_limit', cooldown), 1_000);
    expect(state.cooldownUntil).toBe(until);
  });

  it('re-cooling keeps the later end: a shorter cooldown does not shorten it', () => {
    let state = reduce(start(initialDeploymentState('a', 'g'), 0), failed('rate_limit', 10_000), 0);
    state = reduce(start(state, 1_000), failed('rate_limit', 2_000), 1_000);
    expect(state.cooldownUntil).toBe(10_000);
  });

  it('re-cooling keeps the later end: a longer cooldown extends it', () => {
    let state = reduce(start(initialDeploymentState('a', 'g'), 0), failed('rate_limit', 10_000), 0);
    state = reduce(start(state, 2_000), failed('rate_limit', 20_000), 2_000);
    expect(state.cooldownUntil).toBe(22_000);
  });

  it('a failure after a cooldown ended starts a new one', () => {
    let state = reduce(start(initialDeploymentState('a', 'g'), 0), failed('rate_limit', 1_000), 0);
    state = reduce(start(state, 5_000), failed('rate_limit', 1_000), 5_000);
    expect(state.cooldownUntil).toBe(6_000);
  });

  it('cooldownExpired ends the cooldown at its end, and not before', () => {
    const cooled = reduce(start(initialDeploymentState('a', 'g'), 0), failed('rate_limit', 5_000), 0);
    expect(reduce(cooled, { type: 'cooldownExpired' }, 4_999)).toBe(cooled);
    const ended = reduce(cooled, { type: 'cooldownExpired' }, 5_000);
    expect(ended.cooldownUntil).toBeUndefined();
    expect(ended.cooldownReason).toBeUndefined();
  });
});

describe('createDeploymentReducer: in flight, usage, latency', () => {
  const reduce = createDeploymentReducer(rulesWith());

  it('an attempt is in flight from attemptStarted until it succeeds, fails or is cancelled; a first chunk does not end it', () => {
    let state = initialDeploymentState('a', 'g');
    for (let index = 0; index < 4; index++) state = reduce(state, { type: 'attemptStarted' }, 0);
    expect(state.inFlight).toBe(4);
    state = reduce(state, { type: 'firstChunk', ttftMs: 10 }, 10);
    expect(state.inFlight).toBe(4);
    state = reduce(state, succeeded, 20);
    state = reduce(state, failed('server'), 30);
    state = reduce(state, failed('bad_request'), 40);
    state = reduce(state, { type: 'attemptCancelled' }, 50);
    expect(state.inFlight).toBe(0);
    expect(state.totals).toEqual({ started: 4, succeeded: 1, failed: 2, cancelled: 1 });
  });

  it('counts requests and tokens per minute, and starts over in a new minute', () => {
    let state = initialDeploymentState('a', 'g');
    state = reduce(state, { type: 'attemptStarted' }, 1_000);
    state = reduce(state, succeeded, 2_000);
    state = reduce(state, { type: 'attemptStarted' }, 3_000);
    expect(state.usage).toEqual({ minute: 0, requests: 2, tokens: 20 });
    state = reduce(state, { type: 'attemptStarted' }, 61_000);
    expect(state.usage).toEqual({ minute: 60_000, requests: 1, tokens: 0 });
  });

  it('keeps latency per output token and time to first chunk; a timeout is kept as a penalty sample', () => {
    let state = initialDeploymentState('a', 'g');
    state = reduce(state, { type: 'attemptStarted' }, 0);
    state = reduce(state, { type: 'attemptSucceeded', latencyMs: 1_000, ttftMs: 200, outputTokens: 50, tokens: 60 }, 1_000);
    state = reduce(state, { type: 'attemptStarted' }, 1_000);
    state = reduce(state, { type: 'attemptFailed', error: { kind: 'timeout', status: 408, code: 'attempt_timeout' }, latencyMs: 30_000, cooldownMs: 0 }, 31_000);
    expect(state.latencies).toEqual([
      { at: 1_000, latencyMs: 1_000, ttftMs: 200, msPerToken: 20, timedOut: false },
      { at: 31_000, latencyMs: 30_000, ttftMs: undefined, msPerToken: 30_000, timedOut: true },
    ]);
  });
});
