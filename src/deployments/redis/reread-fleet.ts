import type { Redis } from 'ioredis';
import { healthWindowMs } from '../cooldown-rules.js';
import { type DeploymentState, type HealthBucket, minuteOf } from '../deployment-state.js';
import type { FailureKind } from '../failure-kind.js';
import type { Lease, RemoteDeployment } from './merge-fleet-state.js';
import type { RedisKeys } from './redis-keys.js';

const count = (value: string | undefined): number => {
  const n = Number(value ?? 0);
  return Number.isFinite(n) && n > 0 ? n : 0;
};

/** The keys of every instance's lease hash (SCAN: never blocks the server as KEYS would). */
async function leaseKeys(client: Redis, keys: RedisKeys): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', keys.leasesPattern, 'COUNT', 100);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

/**
 * The rest of the fleet's view of every deployment, read back from the keys (the truth) after a
 * (re)connect: what pub/sub said while this instance was cut off is lost, the keys are not. This
 * instance's own share (its flushed usage and health) is taken out, since the local mirror adds it back.
 */
export async function rereadFleet(
  client: Redis,
  keys: RedisKeys,
  ids: readonly string[],
  instance: string,
  own: (id: string) => DeploymentState,
  now: () => number,
): Promise<Map<string, RemoteDeployment>> {
  const start = now();
  const second = Math.floor(start / 1000);
  const minute = minuteOf(start);
  const seconds = Array.from({ length: healthWindowMs / 1000 }, (_, index) => second - index).reverse();
  const pipeline = client.pipeline();
  for (const id of ids) {
    pipeline.pttl(keys.cooldown(id)).get(keys.cooldown(id)).hgetall(keys.usage(id, minute));
    for (const s of seconds) pipeline.hgetall(keys.health(id, s));
  }
  const holders = (await leaseKeys(client, keys)).filter((key) => keys.instanceOf(key) !== instance);
  for (const key of holders) pipeline.hgetall(key).pttl(key);
  const replies = (await pipeline.exec()) ?? [];
  const at = now();
  let next = 0;
  const reply = <T>(): T | undefined => {
    const [error, value] = replies[next++] ?? [new Error('missing reply'), undefined];
    return error === null ? (value as T) : undefined;
  };

  const out = new Map<string, RemoteDeployment>();
  for (const id of ids) {
    const mine = own(id);
    const ttl = reply<number>() ?? -2;
    const reason = reply<string | null>() ?? undefined;
    const usage = reply<Record<string, string>>() ?? {};
    const ownUsage = mine.usage.minute === minute ? mine.usage : { requests: 0, tokens: 0 };
    const health: HealthBucket[] = [];
    for (const s of seconds) {
      const fields = reply<Record<string, string>>() ?? {};
      const ownBucket = mine.health.find((bucket) => bucket.at === s * 1000);
      const calls = count(fields['c']) - (ownBucket?.calls ?? 0);
      if (calls <= 0) continue;
      const byKind: Partial<Record<FailureKind, number>> = {};
      for (const [field, value] of Object.entries(fields)) {
        if (!field.startsWith('k:')) continue;
        const kind = field.slice(2) as FailureKind;
        const n = count(value) - (ownBucket?.failuresByKind[kind] ?? 0);
        if (n > 0) byKind[kind] = n;
      }
      health.push({ at: s * 1000, calls, failures: Math.max(0, count(fields['f']) - (ownBucket?.failures ?? 0)), failuresByKind: byKind });
    }
    out.set(id, {
      cooldownUntil: ttl > 0 ? at + ttl : undefined,
      cooldownReason: ttl > 0 ? (reason ?? 'error') : undefined,
      health,
      usage: {
        minute,
        requests: Math.max(0, count(usage['r']) - ownUsage.requests),
        tokens: Math.max(0, count(usage['t']) - ownUsage.tokens),
      },
      leases: new Map<string, Lease>(),
    });
  }
  for (const key of holders) {
    const held = reply<Record<string, string>>() ?? {};
    const ttl = reply<number>() ?? -2;
    if (ttl <= 0) continue;
    for (const [id, value] of Object.entries(held)) {
      const remote = out.get(id);
      if (remote !== undefined && count(value) > 0) (remote.leases as Map<string, Lease>).set(keys.instanceOf(key), { count: count(value), expiresAt: at + ttl });
    }
  }
  return out;
}
