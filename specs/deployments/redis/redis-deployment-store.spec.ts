// Two routers in this process, each with its own Redis connections, on one real redis-server:
// what one learns about a deployment the other sees, and Redis never holds a request.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asyncScheduler } from 'rxjs';
import { Router } from '../../../src/router/router.js';
import type { RouterConfig } from '../../../src/config/router-config-schema.js';
import { spawn } from 'node:child_process';
import { createRedisDeploymentStore, redisDeploymentStore } from '../../../src/deployments/redis/create-redis-deployment-store.js';
import type { DeploymentStore } from '../../../src/deployments/deployment-store.js';
import { createDeploymentReducer } from '../../../src/deployments/reduce-deployment.js';
import type { RedisStoreOptions } from '../../../src/deployments/redis/redis-store-options.js';
import { type DeploymentState, isCooling, minuteOf } from '../../../src/deployments/deployment-state.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { waitUntil } from '../../support/wait-until.js';

let redis: RedisServer;
const routers: Router[] = [];
const openStores: DeploymentStore[] = [];
let prefixCount = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis.stop();
});

afterEach(async () => {
  await Promise.all([...routers.splice(0).map((router) => router.close()), ...openStores.splice(0).map((store) => store.close())]);
  await redis.start();
});

interface Logged {
  readonly level: string;
  readonly message: string;
}

/** Routers of one fleet: one key prefix per test, so that tests never see each other's state. */
function fleet(config: RouterConfig, options: Partial<RedisStoreOptions> = {}) {
  const keyPrefix = `spec${++prefixCount}:`;
  return () => {
    const logs: Logged[] = [];
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => (connected = resolve));
    const router = new Router(config, {
      store: redisDeploymentStore({
        url: redis.url,
        keyPrefix,
        ...options,
        log: (level, message) => {
          logs.push({ level, message });
          if (level === 'info') connected();
        },
      }),
    });
    routers.push(router);
    return { router, logs, ready, state: (id: string) => latest(router, id) };
  };
}

function latest(router: Router, id: string): DeploymentState {
  let value: DeploymentState | undefined;
  router.deploymentState$(id).subscribe((state) => (value = state)).unsubscribe();
  if (value === undefined) throw new Error(`no state for ${id}`);
  return value;
}

const ask = (router: Router, model = 'm') => router.completion({ model, messages: [{ role: 'user', content: 'hi' }] });

const mixed: RouterConfig = {
  model_list: [
    { model_name: 'm', litellm_params: { model: 'openai/bad', mock_response: 'litellm.RateLimitError' }, model_info: { id: 'bad' } },
    { model_name: 'm', litellm_params: { model: 'openai/good', mock_response: 'ok' }, model_info: { id: 'good' } },
  ],
  cooldown_time: 60,
  num_retries: 2,
};

/** Cools `bad` through `router`: calls until one of them lands on it (it answers 429 and cools at once). */
async function coolBad(router: Router): Promise<void> {
  for (let i = 0; i < 50 && !isCooling(latest(router, 'bad'), Date.now()); i += 1) await ask(router);
  expect(isCooling(latest(router, 'bad'), Date.now())).toBe(true);
}

interface Member {
  readonly store: DeploymentStore;
  readonly ready: Promise<void>;
}

/** Two stores of one fleet holding deployment `id`, straight (no Router): for the lease specs. */
function stores(id: string, keyPrefix = `spec${++prefixCount}:`): [Member, Member] {
  const member = (): Member => {
    let connected!: () => void;
    const ready = new Promise<void>((resolve) => (connected = resolve));
    const reducer = createDeploymentReducer({ sole: true, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined, probeRequests: 1, maxCooldownMs: 300_000 });
    const store = createRedisDeploymentStore([{ id, group: 'm', reducer }], asyncScheduler, {
      url: redis.url,
      keyPrefix,
      leaseTtlMs: 1000,
      log: (level) => level === 'info' && connected(),
    });
    openStores.push(store);
    return { store, ready };
  };
  return [member(), member()];
}

/** The connect line: both connections up and the first re-read done (the store works before it too). */
async function connected(...members: { ready: Promise<void> }[]): Promise<void> {
  await Promise.all(members.map((member) => member.ready));
}

describe('redisDeploymentStore: a fleet of routers on one Redis', () => {
  it('a cooldown one router starts is seen by the other router, which then routes around it', async () => {
    const member = fleet(mixed);
    const a = member();
    const b = member();
    await connected(a, b);
    await coolBad(a.router);
    await waitUntil(() => isCooling(b.state('bad'), Date.now()), 2_000, 'router b to see the cooldown');
    expect(b.state('bad').cooldownReason).toBe('rate_limit_exceeded');
    for (let i = 0; i < 20; i += 1) await ask(b.router);
    // b never tried the cooled deployment itself: its own totals count no attempt there.
    expect(b.state('bad').totals.started).toBe(0);
    expect(b.state('good').totals.succeeded).toBe(20);
  });

  it('rpm holds for the fleet: 4 requests a minute across two routers, not 4 each', async () => {
    // Counts reset with the minute: keep the test inside one.
    const left = minuteOf(Date.now()) + 60_000 - Date.now();
    if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    const member = fleet({
      model_list: [{ model_name: 'm', litellm_params: { model: 'openai/x', mock_response: 'ok', rpm: 4 }, model_info: { id: 'x' } }],
      routing_strategy: 'usage-based-routing-v2',
    });
    const a = member();
    const b = member();
    await connected(a, b);
    const outcomes: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      const [caller, other] = i % 2 === 0 ? [a, b] : [b, a];
      outcomes.push(await ask(caller.router).then(() => 'ok', (error: { code?: string }) => error.code ?? 'error'));
      const total = Math.min(4, i + 1);
      // Usage is pushed, not reserved: wait for the other router to hear of this request before the next.
      await waitUntil(() => other.state('x').usage.requests >= total, 2_000, `the other router to count ${total} requests`);
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'rate_limit_exceeded', 'rate_limit_exceeded', 'rate_limit_exceeded', 'rate_limit_exceeded']);
    expect(a.state('x').usage.requests).toBe(4);
    expect(b.state('x').usage.requests).toBe(4);
  });

  it('allowed_fails counts the fleet’s failures: 2 failures on each router cool a deployment allowed 3', async () => {
    const member = fleet({
      model_list: [
        { model_name: 'm', litellm_params: { model: 'openai/bad', mock_response: 'litellm.InternalServerError', order: 1 }, model_info: { id: 'bad' } },
        { model_name: 'm', litellm_params: { model: 'openai/good', mock_response: 'ok', order: 2 }, model_info: { id: 'good' } },
      ],
      allowed_fails: 3,
      cooldown_time: 60,
      num_retries: 1,
    });
    const a = member();
    const b = member();
    await connected(a, b);
    // Every call tries `bad` first (lowest order), fails there once, and is answered by `good`.
    for (let i = 0; i < 4; i += 1) {
      const [caller, other] = i % 2 === 0 ? [a, b] : [b, a];
      await ask(caller.router);
      const failures = () => other.state('bad').health.reduce((sum, bucket) => sum + bucket.failures, 0);
      await waitUntil(() => failures() === i + 1, 2_000, `the other router to count ${i + 1} failures`);
    }
    // Neither router failed more than twice itself; the fleet failed 4 times, more than the 3 allowed.
    expect(a.state('bad').totals.failed).toBe(2);
    expect(b.state('bad').totals.failed).toBe(2);
    expect(isCooling(b.state('bad'), Date.now())).toBe(true);
    await waitUntil(() => isCooling(a.state('bad'), Date.now()), 2_000, 'router a to see the cooldown b started');
  });

  it('in-flight leases are shared, and released when the holder finishes', async () => {
    const [a, b] = stores('x');
    await Promise.all([a.ready, b.ready]);
    for (let i = 0; i < 3; i += 1) a.store.send('x', { type: 'attemptStarted' });
    expect(a.store.get('x').inFlight).toBe(3);
    await waitUntil(() => b.store.get('x').inFlight === 3, 2_000, 'store b to see a’s three attempts in flight');
    for (let i = 0; i < 3; i += 1) a.store.send('x', { type: 'attemptCancelled' });
    await waitUntil(() => b.store.get('x').inFlight === 0, 2_000, 'store b to see them released');
  });

  it('the leases of an instance killed with SIGKILL expire: the others stop counting them', async () => {
    const keyPrefix = `spec${++prefixCount}:`;
    const [b] = stores('x', keyPrefix);
    await b.ready;
    const child = spawn(process.execPath, ['--import', 'tsx', 'specs/support/lease-holder.ts', redis.url, keyPrefix, 'x', '3', '1000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (data: Buffer) => data.toString().includes('holding') && resolve());
        child.once('exit', (code) => reject(new Error(`lease holder exited early (${String(code)})`)));
      });
      await waitUntil(() => b.store.get('x').inFlight === 3, 2_000, 'the others to see the holder’s three leases');
    } finally {
      child.kill('SIGKILL');
    }
    // Its lease TTL is 1 s: no word from it for that long and its attempts no longer count.
    await waitUntil(() => b.store.get('x').inFlight === 0, 4_000, 'the dead holder’s leases to expire');
    // Starting a child through tsx takes seconds on a loaded machine.
  }, 60_000);

  it('Redis killed while the routers serve: every call still succeeds without waiting on it, and each says so once', async () => {
    const member = fleet(mixed);
    const a = member();
    const b = member();
    await connected(a, b);
    await redis.stop('SIGKILL');
    const slowest = { ms: 0 };
    const calls = Array.from({ length: 40 }, async (_, i) => {
      const started = Date.now();
      const answer = await ask(i % 2 === 0 ? a.router : b.router);
      slowest.ms = Math.max(slowest.ms, Date.now() - started);
      return answer.choices[0]?.message.content;
    });
    const answers = await Promise.all(calls);
    expect(answers.every((content) => content === 'ok')).toBe(true);
    // Mock calls take well under a millisecond; a call that waited on a dead Redis would take its
    // command timeout at least. Generous bound: it proves no hang, not a speed.
    expect(slowest.ms).toBeLessThan(1_000);
    await waitUntil(() => a.logs.length > 1 && b.logs.length > 1, 2_000, 'both routers to notice the outage');
    for (const { logs } of [a, b]) expect(logs.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('Redis back: a cooldown started during the outage reaches the other router, and new ones are shared again', async () => {
    const member = fleet({
      ...mixed,
      model_list: [...mixed.model_list, { model_name: 'n', litellm_params: { model: 'openai/bad2', mock_response: 'litellm.RateLimitError' }, model_info: { id: 'bad2' } }, { model_name: 'n', litellm_params: { model: 'openai/good2', mock_response: 'ok' }, model_info: { id: 'good2' } }],
    });
    const a = member();
    const b = member();
    await connected(a, b);
    await redis.stop('SIGKILL');
    await waitUntil(() => a.logs.some((line) => line.level === 'warn'), 2_000, 'router a to notice the outage');
    await coolBad(a.router);
    // Nothing can carry it while Redis is away.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isCooling(b.state('bad'), Date.now())).toBe(false);

    await redis.start();
    // ioredis retries every ≤ 500 ms; the bound is generous for a loaded machine (the bench prints the real figure).
    await waitUntil(() => isCooling(b.state('bad'), Date.now()), 10_000, 'router b to see the cooldown a started during the outage');
    for (let i = 0; i < 50 && !isCooling(a.state('bad2'), Date.now()); i += 1) await ask(a.router, 'n');
    await waitUntil(() => isCooling(b.state('bad2'), Date.now()), 2_000, 'router b to see a cooldown started after the return');
    expect(a.logs.map((line) => line.level)).toEqual(['info', 'warn', 'info']);
  });
});

describe('redisDeploymentStore: reads never wait on Redis', () => {
  it('a router whose Redis never answers serves from its local state and says so once', async () => {
    const logs: string[] = [];
    // A port nothing listens on: the server stopped for good.
    const gone = await startRedisServer();
    await gone.stop();
    const router = new Router(mixed, { store: redisDeploymentStore({ url: gone.url, log: (level, message) => logs.push(`${level} ${message}`) }) });
    routers.push(router);
    const answers = await Promise.all(Array.from({ length: 10 }, () => ask(router)));
    expect(answers).toHaveLength(10);
    await waitUntil(() => logs.length > 0, 2_000, 'the outage line');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(logs).toEqual(['warn redis unreachable: deployment state stays local to this process until it returns']);
  });
});
