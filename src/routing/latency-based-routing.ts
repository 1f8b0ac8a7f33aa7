import type { ConfigIssue } from '../errors/config-error.js';
import type { DeploymentState, LatencySample } from '../deployments/deployment-state.js';
import { pickAmong } from './random-index.js';
import type { RoutingContext, RoutingStrategy } from './routing-strategy.js';

/** `routing_strategy_args` of `latency-based-routing`, resolved (ms). */
export interface LatencyRoutingArgs {
  /** Samples older than this are ignored (`ttl`, seconds in the config; default 1 hour, as LiteLLM). */
  readonly ttlMs: number;
  /** `lowest_latency_buffer`: any deployment within (1 + buffer) × the lowest latency may be picked. Default 0. */
  readonly buffer: number;
}

const defaultTtlSeconds = 3600;

function numberArg(args: Readonly<Record<string, unknown>>, key: string): number | undefined | null {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}

/**
 * Reads `ttl` and `lowest_latency_buffer` from `routing_strategy_args`. A bad value is reported in
 * `issues` (when given) and replaced by its default, so routing never throws.
 */
export function latencyRoutingArgs(args: Readonly<Record<string, unknown>>, issues?: ConfigIssue[]): LatencyRoutingArgs {
  let ttl = numberArg(args, 'ttl');
  if (ttl === null || (ttl !== undefined && ttl <= 0)) {
    issues?.push({ path: 'routing_strategy_args.ttl', message: 'expected a positive number of seconds' });
    ttl = undefined;
  }
  let buffer = numberArg(args, 'lowest_latency_buffer');
  if (buffer === null || (buffer !== undefined && buffer < 0)) {
    issues?.push({ path: 'routing_strategy_args.lowest_latency_buffer', message: 'expected a number ≥ 0' });
    buffer = undefined;
  }
  return { ttlMs: (ttl ?? defaultTtlSeconds) * 1000, buffer: buffer ?? 0 };
}

// What a sample says about the deployment for this kind of request. A timed-out attempt counts as
// slow as its whole duration: far above any real per-token or first-chunk latency, so it is a penalty.
function sampleValue(sample: LatencySample, stream: boolean): number | undefined {
  if (sample.timedOut) return sample.latencyMs;
  return stream ? sample.ttftMs : sample.msPerToken;
}

/** Mean latency of the deployment's samples no older than `ttlMs`; undefined when it has none. */
export function recentLatency(state: DeploymentState, context: RoutingContext, ttlMs: number): number | undefined {
  let sum = 0;
  let count = 0;
  for (const sample of state.latencies) {
    if (context.now - sample.at > ttlMs) continue;
    const value = sampleValue(sample, context.stream);
    if (value === undefined) continue;
    sum += value;
    count += 1;
  }
  return count === 0 ? undefined : sum / count;
}

/**
 * `latency-based-routing`: the deployment with the lowest recent latency. Non-streaming requests
 * compare latency per output token; streaming requests compare time to first chunk. A timed-out
 * attempt counts as a sample as long as its timeout (a penalty). Samples older than
 * `routing_strategy_args.ttl` are ignored. Deployments with no sample yet are tried first (at random),
 * so every deployment gets measured; among the rest, one is picked at random from those within
 * `(1 + lowest_latency_buffer)` × the lowest.
 *
 * @example
 * new Router({ model_list, routing_strategy: 'latency-based-routing',
 *   routing_strategy_args: { ttl: 300, lowest_latency_buffer: 0.2 } })
 */
export const latencyBasedRouting: RoutingStrategy = (candidates, snapshots, context, random) => {
  const { ttlMs, buffer } = latencyRoutingArgs(context.args);
  const latencies = candidates.map((_, index) => {
    const state = snapshots[index];
    return state === undefined ? undefined : recentLatency(state, context, ttlMs);
  });
  const unmeasured = latencies.flatMap((latency, index) => (latency === undefined ? [index] : []));
  if (unmeasured.length > 0) return pickAmong(candidates, unmeasured, random);
  const lowest = Math.min(...(latencies as number[]));
  const limit = lowest * (1 + buffer);
  const fastest = latencies.flatMap((latency, index) => (latency !== undefined && latency <= limit ? [index] : []));
  return pickAmong(candidates, fastest, random);
};
