// Half-open recovery (DESIGN §12) shared through Redis (DESIGN §10): a cooldown one router starts
// ends half-open at the others too, with the same base for a failed probe's doubling, and one
// router's successful probe closes the deployment for the whole fleet. Real redis-server.
import { asyncScheduler } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentStore } from '../../../src/deployments/deployment-store.js';
import { createDeploymentReducer } from '../../../src/deployments/reduce-deployment.js';
import { createRedisDeploymentStore } from '../../../src/deployments/redis/create-redis-deployment-store.js';
import { type RedisServer, startRedisServer } from '../../support/redis-server.js';
import { waitUntil } from '../../support/wait-until.js';

let redis: RedisServer;
const open: DeploymentStore[] = [];
let prefixCount = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

/** Routers' stores of one fleet holding deployment `d` (of a two-deployment group: a 429 cools it at once). */
async function fleetOf(count: number): Promise<DeploymentStore[]> {
  const keyPrefix = `halfopen${++prefixCount}:`;
  const members = Array.from({ length: count }, () => {
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => (connected = resolve));
    const reducer = createDeploymentReducer({
      sole: false,
      disabled: false,
      allowedFails: undefined,
      allowedFailsPolicy: undefined,
      probeRequests: 1,
      maxCooldownMs: 300_000,
    });
    const store = createRedisDeploymentStore([{ id: 'd', group: 'm', reducer }], asyncScheduler, {
      url: redis.url,
      keyPrefix,
      // A loaded machine (the whole suite on 2 cores) can hold a command past the 250 ms default, and a
      // write that times out is dropped (fire-and-forget): these specs are about what is shared, not that.
      commandTimeoutMs: 5_000,
      log: (level) => level === 'info' && connected(),
    });
    open.push(store);
    return { store, ready };
  });
  await Promise.all(members.map((member) => member.ready));
  return members.map((member) => member.store);
}

const rateLimited = (cooldownMs: number, probeOf?: number) =>
  ({
    type: 'attemptFailed',
    error: { kind: 'rate_limit', status: 429, code: 'rate_limit_exceeded' },
    latencyMs: 1,
    cooldownMs,
    probeOf,
  }) as const;

describe('half-open recovery across a fleet sharing a Redis store', () => {
  it("another router's cooldown ends half-open here too, with its length as the base a failed probe doubles", async () => {
    const [a, b] = (await fleetOf(2)) as [DeploymentStore, DeploymentStore];
    a.send('d', { type: 'attemptStarted' });
    a.send('d', rateLimited(300));
    await waitUntil(() => b.get('d').cooldownUntil !== undefined, 10_000, 'b to see the cooldown');
    expect(b.get('d').cooldownMs).toBe(300);
    // The cooldown is over: b took it on, so b's own actor is half-open now (one probe at a time).
    await waitUntil(() => b.get('d').halfOpen !== undefined, 10_000, 'b to go half-open');
    expect(b.get('d').halfOpen).toMatchObject({ probesInFlight: 0, lastCooldownMs: 300 });
    expect(b.get('d').cooldownUntil).toBeUndefined();
    // b's probe fails: cooled again for twice the cooldown that a started, and a hears of it.
    b.send('d', { type: 'attemptStarted' });
    const probe = b.get('d').halfOpen;
    expect(probe?.probesInFlight).toBe(1);
    b.send('d', rateLimited(300, probe?.since));
    expect(b.get('d').cooldownMs).toBe(600);
    await waitUntil(() => a.get('d').cooldownMs === 600, 10_000, 'a to take on the doubled cooldown');
  });

  it("one router's successful probe closes the deployment for the fleet", async () => {
    const [a, b, c] = (await fleetOf(3)) as [DeploymentStore, DeploymentStore, DeploymentStore];
    a.send('d', { type: 'attemptStarted' });
    a.send('d', rateLimited(200));
    await waitUntil(() => [a, b, c].every((store) => store.get('d').halfOpen !== undefined), 10_000, 'every router to go half-open').catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify([a, b, c].map((store) => { const s = store.get('d'); return [s.cooldownUntil, s.cooldownMs, s.halfOpen, s.totals, Date.now()]; }))}`);
    });
    c.send('d', { type: 'attemptStarted' });
    c.send('d', { type: 'attemptSucceeded', latencyMs: 5, ttftMs: undefined, outputTokens: 1, tokens: 2, probeOf: c.get('d').halfOpen?.since });
    expect(c.get('d').halfOpen).toBeUndefined();
    await waitUntil(() => a.get('d').halfOpen === undefined && b.get('d').halfOpen === undefined, 10_000, 'a and b to hear of the success');
    expect(b.get('d').cooldownUntil).toBeUndefined();
  });
});
