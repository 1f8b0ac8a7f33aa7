import type { HealthBucket } from '../deployment-state.js';
import { minuteOf } from '../deployment-state.js';
import { healthWindowMs } from '../cooldown-rules.js';
import type { FleetMessage } from './fleet-message.js';
import { emptyRemote, mergeHealth, type RemoteDeployment } from './merge-fleet-state.js';

/**
 * The local mirror of the rest of the fleet: what the other instances told this one, per
 * deployment. Plain synchronous data, so that reading it on a request's path never waits; every
 * time comes in as `now` (scheduler ms). Each change bumps the deployment's `version`, which lets
 * the store cache its merged state.
 */
export class FleetView {
  private readonly remotes = new Map<string, RemoteDeployment>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly known: ReadonlySet<string>) {}

  /** The others' view of `id`, or undefined while no other instance has said anything of it. */
  get(id: string): RemoteDeployment | undefined {
    return this.remotes.get(id);
  }

  version(id: string): number {
    return this.versions.get(id) ?? 0;
  }

  /** Applies another instance's message; returns the deployments it changed. */
  apply(message: FleetMessage, now: number): Set<string> {
    const changed = new Set<string>();
    const alive = now + message.leaseTtlMs;
    for (const [id, remainingMs, reason] of message.cooldowns) {
      const remote = this.remote(id);
      if (remote === undefined) continue;
      const until = now + remainingMs;
      if (remote.cooldownUntil !== undefined && remote.cooldownUntil >= until) continue;
      this.set(id, { ...remote, cooldownUntil: until, cooldownReason: reason }, changed);
    }
    for (const [id, calls, failures, byKind] of message.health) {
      const remote = this.remote(id);
      if (remote === undefined) continue;
      const bucket: HealthBucket = { at: now - (now % 1000), calls, failures, failuresByKind: byKind };
      this.set(id, { ...remote, health: mergeHealth(remote.health, [bucket], now) }, changed);
    }
    const minute = minuteOf(now);
    for (const [id, requests, tokens] of message.usage) {
      const remote = this.remote(id);
      if (remote === undefined) continue;
      const base = remote.usage.minute === minute ? remote.usage : { minute, requests: 0, tokens: 0 };
      this.set(id, { ...remote, usage: { minute, requests: base.requests + requests, tokens: base.tokens + tokens } }, changed);
    }
    const counts = new Map(message.leases);
    for (const id of this.known) {
      const remote = this.remotes.get(id);
      const held = remote?.leases.get(message.instance);
      const count = counts.get(id) ?? (message.allLeases ? 0 : (held?.count ?? 0));
      if (count === 0 && held === undefined) continue;
      // Any message proves its sender alive: the leases it still holds live on for another TTL.
      const leases = new Map(remote?.leases ?? []);
      if (count === 0) leases.delete(message.instance);
      else leases.set(message.instance, { count, expiresAt: alive });
      this.remotes.set(id, { ...(remote ?? emptyRemote), leases });
      if (held?.count !== count) this.bump(id, changed);
    }
    return changed;
  }

  /** Drops the leases of instances that stopped talking (dead, or cut off); returns the deployments that changed. */
  sweep(now: number): Set<string> {
    const changed = new Set<string>();
    for (const [id, remote] of this.remotes) {
      const expired = [...remote.leases].filter(([, lease]) => lease.expiresAt <= now);
      const staleHealth = remote.health.length > 0 && (remote.health[0] as HealthBucket).at <= now - healthWindowMs;
      if (expired.length === 0 && !staleHealth) continue;
      const leases = new Map(remote.leases);
      for (const [instance] of expired) leases.delete(instance);
      this.set(id, { ...remote, leases, health: mergeHealth([], remote.health, now) }, changed);
    }
    return changed;
  }

  /**
   * Takes in the view of `id` re-read from Redis (after a (re)connect). A push that arrived while the
   * read was under way may be newer than what was read: of the two, the later cooldown, the larger
   * counts and every live lease are kept.
   */
  reread(id: string, read: RemoteDeployment, changed: Set<string>): void {
    if (!this.known.has(id)) return;
    const current = this.remotes.get(id) ?? emptyRemote;
    const laterCooldown = current.cooldownUntil !== undefined && (read.cooldownUntil === undefined || current.cooldownUntil > read.cooldownUntil);
    const usage =
      current.usage.minute !== read.usage.minute
        ? (current.usage.minute > read.usage.minute ? current.usage : read.usage)
        : { minute: read.usage.minute, requests: Math.max(read.usage.requests, current.usage.requests), tokens: Math.max(read.usage.tokens, current.usage.tokens) };
    const pushed = new Map(current.health.map((bucket) => [bucket.at, bucket]));
    const health = read.health.map((bucket) => {
      const other = pushed.get(bucket.at);
      pushed.delete(bucket.at);
      return other !== undefined && other.calls > bucket.calls ? other : bucket;
    });
    const leases = new Map(current.leases);
    for (const [instance, lease] of read.leases) leases.set(instance, lease);
    this.set(
      id,
      {
        cooldownUntil: laterCooldown ? current.cooldownUntil : read.cooldownUntil,
        cooldownReason: laterCooldown ? current.cooldownReason : read.cooldownReason,
        health: [...health, ...pushed.values()].sort((a, b) => a.at - b.at),
        usage,
        leases,
      },
      changed,
    );
  }

  private remote(id: string): RemoteDeployment | undefined {
    // A deployment another config has and this one lacks (a rolling config change) is not ours to track.
    return this.known.has(id) ? (this.remotes.get(id) ?? emptyRemote) : undefined;
  }

  private set(id: string, remote: RemoteDeployment, changed: Set<string>): void {
    this.remotes.set(id, remote);
    this.bump(id, changed);
  }

  private bump(id: string, changed: Set<string>): void {
    this.versions.set(id, this.version(id) + 1);
    changed.add(id);
  }
}
