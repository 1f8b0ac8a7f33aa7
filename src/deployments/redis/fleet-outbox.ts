import type { Redis } from 'ioredis';
import { minuteOf } from '../deployment-state.js';
import type { FailureKind } from '../failure-kind.js';
import { encodeFleetMessage, type FleetMessage } from './fleet-message.js';
import type { RedisKeys } from './redis-keys.js';

interface Pending {
  requests: number;
  tokens: number;
  calls: number;
  failures: number;
  byKind: Partial<Record<FailureKind, number>>;
  /** Attempts in flight here now, when it changed since the last flush. */
  lease: number | undefined;
  cooldown: { readonly until: number; readonly reason: string; readonly cooldownMs: number } | undefined;
  /** Its probe succeeded here: half-open no more. */
  recovered: boolean;
}

// Sets the cooldown only when it ends later than the one already there: the later end wins, as in
// one process (a shorter cooldown must not cut a longer one short).
const setLongerCooldown = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

// A second's health outlives the minute it counts in by a second; a minute's usage, the next minute.
const healthTtlMs = 61_000;
const usageTtlMs = 120_000;

/**
 * This instance's changes on their way to the fleet: gathered for a few milliseconds, then written
 * as one pipeline (the keys with TTLs, the truth for a later re-read) and one pub/sub message (the
 * push). Never awaited: a write that fails or times out is dropped, and what matters of it (leases,
 * cooldowns) is written again when Redis returns.
 */
export class FleetOutbox {
  private pending = new Map<string, Pending>();
  private holding = new Map<string, number>();

  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly instance: string,
    private readonly leaseTtlMs: number,
  ) {}

  /** Whether anything waits for the next flush. */
  get dirty(): boolean {
    return this.pending.size > 0;
  }

  started(id: string): void {
    this.of(id).requests += 1;
  }

  /** An attempt that counts in the failure window: `failure` undefined for a success. */
  recorded(id: string, failure: FailureKind | undefined, tokens: number): void {
    const pending = this.of(id);
    pending.calls += 1;
    pending.tokens += tokens;
    if (failure === undefined) return;
    pending.failures += 1;
    pending.byKind[failure] = (pending.byKind[failure] ?? 0) + 1;
  }

  lease(id: string, inFlight: number): void {
    this.of(id).lease = inFlight;
    if (inFlight > 0) this.holding.set(id, inFlight);
    else this.holding.delete(id);
  }

  cooled(id: string, until: number, reason: string, cooldownMs: number): void {
    this.of(id).cooldown = { until, reason, cooldownMs };
  }

  /** A probe succeeded here (DESIGN §12): the others' half-open spell ends too. */
  recovered(id: string): void {
    this.of(id).recovered = true;
  }

  /** Writes and publishes what is pending; a no-op while Redis is unreachable (the changes stay local). */
  flush(now: number): void {
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    if (this.client.status !== 'ready') return;
    const pipeline = this.client.pipeline();
    const second = Math.floor(now / 1000);
    const minute = minuteOf(now);
    const cooldowns: [string, number, string, number][] = [];
    const recovered: string[] = [];
    const health: FleetMessage['health'][number][] = [];
    const usage: [string, number, number][] = [];
    const leases: [string, number][] = [];
    for (const [id, change] of pending) {
      if (change.requests > 0 || change.tokens > 0) {
        const key = this.keys.usage(id, minute);
        pipeline.hincrby(key, 'r', change.requests).hincrby(key, 't', change.tokens).pexpire(key, usageTtlMs);
        usage.push([id, change.requests, change.tokens]);
      }
      if (change.calls > 0) {
        const key = this.keys.health(id, second);
        pipeline.hincrby(key, 'c', change.calls).hincrby(key, 'f', change.failures);
        for (const [kind, n] of Object.entries(change.byKind)) pipeline.hincrby(key, `k:${kind}`, n);
        pipeline.pexpire(key, healthTtlMs);
        health.push([id, change.calls, change.failures, change.byKind]);
      }
      if (change.cooldown !== undefined && change.cooldown.until > now) {
        const remaining = Math.ceil(change.cooldown.until - now);
        pipeline.eval(setLongerCooldown, 1, this.keys.cooldown(id), change.cooldown.reason, remaining);
        cooldowns.push([id, remaining, change.cooldown.reason, change.cooldown.cooldownMs]);
      }
      if (change.recovered) recovered.push(id);
      if (change.lease !== undefined) {
        const key = this.keys.leases(this.instance);
        if (change.lease > 0) pipeline.hset(key, id, change.lease);
        else pipeline.hdel(key, id);
        leases.push([id, change.lease]);
      }
    }
    if (this.holding.size > 0) pipeline.pexpire(this.keys.leases(this.instance), this.leaseTtlMs);
    const message: FleetMessage = { instance: this.instance, leaseTtlMs: this.leaseTtlMs, cooldowns, health, usage, leases, allLeases: false, recovered };
    pipeline.publish(this.keys.channel, encodeFleetMessage(message));
    pipeline.exec().catch(ignore);
  }

  /**
   * Keeps this instance's leases alive (in Redis and in the others' mirrors) while it holds any:
   * every lease it holds, again. Sent every third of the lease TTL.
   */
  heartbeat(): void {
    if (this.holding.size === 0 || this.client.status !== 'ready') return;
    const key = this.keys.leases(this.instance);
    const leases = [...this.holding];
    this.client
      .pipeline()
      .hset(key, Object.fromEntries(leases))
      .pexpire(key, this.leaseTtlMs)
      .publish(this.keys.channel, encodeFleetMessage({ instance: this.instance, leaseTtlMs: this.leaseTtlMs, cooldowns: [], health: [], usage: [], leases, allLeases: true, recovered: [] }))
      .exec()
      .catch(ignore);
  }

  /** After Redis came back: this instance's live cooldowns and leases, written and published again. */
  republish(cooldowns: readonly (readonly [id: string, until: number, reason: string, cooldownMs: number])[], now: number): void {
    for (const [id, until, reason, cooldownMs] of cooldowns) if (until > now) this.cooled(id, until, reason, cooldownMs);
    const key = this.keys.leases(this.instance);
    if (this.client.status === 'ready') {
      const pipeline = this.client.pipeline().del(key);
      if (this.holding.size > 0) pipeline.hset(key, Object.fromEntries(this.holding)).pexpire(key, this.leaseTtlMs);
      pipeline.exec().catch(ignore);
    }
    for (const [id, count] of this.holding) this.of(id).lease = count;
    this.flush(now);
  }

  /** Removes this instance's leases from Redis (a clean stop); a dead instance's expire instead. */
  async release(): Promise<void> {
    this.pending.clear();
    if (this.client.status !== 'ready') return;
    const message = encodeFleetMessage({ instance: this.instance, leaseTtlMs: this.leaseTtlMs, cooldowns: [], health: [], usage: [], leases: [], allLeases: true, recovered: [] });
    await this.client.pipeline().del(this.keys.leases(this.instance)).publish(this.keys.channel, message).exec().catch(ignore);
  }

  private of(id: string): Pending {
    let pending = this.pending.get(id);
    if (pending === undefined) {
      pending = { requests: 0, tokens: 0, calls: 0, failures: 0, byKind: {}, lease: undefined, cooldown: undefined, recovered: false };
      this.pending.set(id, pending);
    }
    return pending;
  }
}

function ignore(): void {}
