import type { Deployment } from '../config/router-settings.js';
import type { DeploymentState } from '../deployments/deployment-state.js';

/** What a routing strategy may know about the request being routed. */
export interface RoutingContext {
  readonly stream: boolean;
  /** Rough prompt size (characters / 4), for tpm limits. */
  readonly estimatedTokens: number;
  /** Scheduler time now. */
  readonly now: number;
  /** `routing_strategy_args` from the config. */
  readonly args: Readonly<Record<string, unknown>>;
}

/**
 * A routing strategy: a pure function choosing one of `candidates` (healthy deployments of a group,
 * never empty) given their state snapshots (same order) and a source of randomness in [0, 1).
 * `undefined` means none may take the request now (e.g. every one is over its rpm limit).
 */
export type RoutingStrategy = (
  candidates: readonly Deployment[],
  snapshots: readonly DeploymentState[],
  context: RoutingContext,
  random: () => number,
) => Deployment | undefined;
