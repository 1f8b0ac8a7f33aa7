import type { FailureKind } from '../failure-kind.js';

/**
 * What one instance publishes to the others, batched per flush. Times are relative (ms remaining,
 * a lease's time to live), never absolute: the receiver adds them to its own clock, so the fleet's
 * clocks need not agree.
 */
export interface FleetMessage {
  /** The sender's instance id: an instance ignores its own messages. */
  readonly instance: string;
  /** How long the sender's leases live without another message from it (ms). */
  readonly leaseTtlMs: number;
  /** Cooldowns the sender started: deployment, ms remaining, reason, the cooldown's whole length (the base a failed probe doubles). */
  readonly cooldowns: readonly (readonly [id: string, remainingMs: number, reason: string, cooldownMs: number])[];
  /** Deployments whose probe succeeded at the sender (DESIGN §12): half-open no more, fleet-wide. */
  readonly recovered: readonly string[];
  /** Calls and failures the sender saw since its last message. */
  readonly health: readonly (readonly [id: string, calls: number, failures: number, byKind: Readonly<Partial<Record<FailureKind, number>>>])[];
  /** Requests started and tokens used since its last message. */
  readonly usage: readonly (readonly [id: string, requests: number, tokens: number])[];
  /** The sender's attempts in flight per deployment (absolute counts, 0 to release). */
  readonly leases: readonly (readonly [id: string, count: number])[];
  /** `leases` lists every deployment the sender holds (a heartbeat): the others' entries for it are replaced. */
  readonly allLeases: boolean;
}

const version = 1;

export function encodeFleetMessage(message: FleetMessage): string {
  return JSON.stringify({
    v: version,
    i: message.instance,
    t: message.leaseTtlMs,
    c: message.cooldowns,
    h: message.health,
    u: message.usage,
    f: message.leases,
    a: message.allLeases ? 1 : 0,
    o: message.recovered,
  });
}

/** How every message of `instance` begins (the version and the instance come first). */
export function fleetMessagePrefix(instance: string): string {
  return `{"v":${version},"i":${JSON.stringify(instance)},`;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function tuples(value: unknown): unknown[][] {
  return Array.isArray(value) ? value.filter((entry): entry is unknown[] => Array.isArray(entry) && typeof entry[0] === 'string') : [];
}

function kinds(value: unknown): Partial<Record<FailureKind, number>> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Partial<Record<FailureKind, number>> = {};
  for (const [kind, n] of Object.entries(value)) if (isCount(n)) out[kind as FailureKind] = n;
  return out;
}

/** The message, or undefined for anything else on the channel (another version, a stray publisher). */
export function decodeFleetMessage(text: string): FleetMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { v, i, t, c, h, u, f, a, o } = raw as Record<string, unknown>;
  if (v !== version || typeof i !== 'string' || !isCount(t)) return undefined;
  return {
    instance: i,
    leaseTtlMs: t,
    cooldowns: tuples(c).flatMap(([id, ms, reason, length]) =>
      isCount(ms) ? [[id as string, ms, typeof reason === 'string' ? reason : 'error', isCount(length) ? length : ms] as const] : [],
    ),
    recovered: Array.isArray(o) ? o.filter((id): id is string => typeof id === 'string') : [],
    health: tuples(h).flatMap(([id, calls, failures, byKind]) =>
      isCount(calls) && isCount(failures) ? [[id as string, calls, failures, kinds(byKind)] as const] : [],
    ),
    usage: tuples(u).flatMap(([id, requests, tokens]) => (isCount(requests) && isCount(tokens) ? [[id as string, requests, tokens] as const] : [])),
    leases: tuples(f).flatMap(([id, count]) => (isCount(count) ? [[id as string, count] as const] : [])),
    allLeases: a === 1,
  };
}
