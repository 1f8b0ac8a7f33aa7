import { describe, expect, it } from 'vitest';
import { deploymentHealth, fleetSnapshot } from '../../src/proxy/fleet-snapshot.js';
import { testDeployment } from '../support/test-deployment.js';
import { fakeState } from '../routing/router-fixture.js';

const secret = 'sk-live-0123456789abcdef';

describe('fleetSnapshot', () => {
  it('describes each deployment by id, group, provider, model and a masked api_base, never its key', () => {
    const deployment = testDeployment({
      id: 'eu',
      group: 'gpt',
      provider: 'azure',
      model: 'gpt-4o',
      apiBase: `https://user:${secret}@llm.example/v1?key=${secret}`,
      apiKey: secret,
      azureAdToken: secret,
    });
    const snapshot = fleetSnapshot([deployment], new Map([['eu', fakeState('eu', { group: 'gpt' })]]), 1_000);
    expect(snapshot.deployments[0]).toMatchObject({ id: 'eu', group: 'gpt', provider: 'azure', model: 'gpt-4o', apiBase: 'https://***:***@llm.example/v1?key=***' });
    expect(JSON.stringify(snapshot)).not.toContain(secret.slice(3));
  });

  it('shows no api_base for a mock deployment, which calls nothing', () => {
    const deployment = testDeployment({ id: 'm', model: 'm', apiBase: 'https://api.openai.com/v1', mockResponse: 'hi' });
    expect(fleetSnapshot([deployment], new Map(), 0).deployments[0]?.apiBase).toBeNull();
  });

  it('lists deployments in model_list order, an unknown state as idle and healthy', () => {
    const a = testDeployment({ id: 'a', model: 'a', apiBase: 'http://127.0.0.1:1' });
    const b = testDeployment({ id: 'b', model: 'b', apiBase: 'http://127.0.0.1:1' });
    const snapshot = fleetSnapshot([b, a], new Map([['a', fakeState('a', { inFlight: 2 })]]), 0);
    expect(snapshot.deployments.map((d) => [d.id, d.state, d.inFlight])).toEqual([
      ['b', 'healthy', 0],
      ['a', 'healthy', 2],
    ]);
  });

  it('counts the last minute of health buckets only, and keeps totals and timing samples', () => {
    const now = 100_000;
    const state = fakeState('a', {
      health: [
        { at: 30_000, calls: 9, failures: 9, failuresByKind: {} }, // more than a minute ago
        { at: 50_000, calls: 4, failures: 1, failuresByKind: {} },
        { at: 99_000, calls: 6, failures: 0, failuresByKind: {} },
      ],
      latencies: [{ at: 99_500, latencyMs: 120, ttftMs: 40, msPerToken: 3, timedOut: false }],
      totals: { started: 20, succeeded: 10, failed: 10, cancelled: 0 },
    });
    const [a] = fleetSnapshot([testDeployment({ id: 'a', model: 'a', apiBase: 'http://127.0.0.1:1' })], new Map([['a', state]]), now).deployments;
    expect(a?.lastMinute).toEqual({ calls: 10, successes: 9, failures: 1 });
    expect(a?.totals).toEqual({ started: 20, succeeded: 10, failed: 10, cancelled: 0 });
    expect(a?.samples).toEqual([{ at: 99_500, latencyMs: 120, ttftMs: 40, timedOut: false }]);
  });

  it('gives a cooling deployment its end, reason and time left from now', () => {
    const state = fakeState('a', { cooldownUntil: 5_000, cooldownReason: 'rate_limit_exceeded' });
    const [a] = fleetSnapshot([testDeployment({ id: 'a', model: 'a', apiBase: 'http://127.0.0.1:1' })], new Map([['a', state]]), 3_500).deployments;
    expect(a?.state).toBe('cooling');
    expect(a?.cooldown).toEqual({ until: 5_000, reason: 'rate_limit_exceeded', msLeft: 1_500 });
  });
});

describe('deploymentHealth', () => {
  it('is healthy again once a later second saw only successes, as LiteLLM sets it healthy on success', () => {
    const health = [
      { at: 1_000, calls: 3, failures: 3, failuresByKind: {} },
      { at: 4_000, calls: 1, failures: 0, failuresByKind: {} },
    ];
    expect(deploymentHealth(fakeState('a', { health }), 4_500)).toBe('healthy');
    expect(deploymentHealth(fakeState('a', { health: health.slice(0, 1) }), 4_500)).toBe('partial');
  });

  it('is cooling while a cooldown runs, partial when its latest calls failed, else healthy', () => {
    const failed = [{ at: 1_000, calls: 2, failures: 1, failuresByKind: {} }];
    expect(deploymentHealth(fakeState('a', { cooldownUntil: 2_000, health: failed }), 1_500)).toBe('cooling');
    expect(deploymentHealth(fakeState('a', { cooldownUntil: 2_000, health: failed }), 2_000)).toBe('partial');
    expect(deploymentHealth(fakeState('a', { health: failed }), 61_000)).toBe('healthy');
    expect(deploymentHealth(fakeState('a', { health: [{ at: 1_000, calls: 5, failures: 0, failuresByKind: {} }] }), 1_500)).toBe('healthy');
  });
});
