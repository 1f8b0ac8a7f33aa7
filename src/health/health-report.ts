import type { Deployment } from '../config/router-settings.js';
import type { RxllmError } from '../errors/rxllm-error.js';

/** One deployment's health probe: a minimal call straight to its provider, under a short timeout. */
export interface DeploymentProbe {
  readonly deployment: Deployment;
  readonly healthy: boolean;
  /** From the probe's start to its answer, error or timeout (router clock, ms). */
  readonly latencyMs: number;
  /** Why it is unhealthy: the provider's error, or 408 `health_check_timeout`. */
  readonly error?: RxllmError | undefined;
}

/** One round of health probes: every deployment probed (or the ones asked for), in `model_list` order. */
export interface HealthReport {
  /** When the round ended (router clock, ms). */
  readonly at: number;
  readonly probes: readonly DeploymentProbe[];
}

/** What to probe, and for how long. */
export interface ProbeOptions {
  /** Only this model group's deployments (a `model_group_alias` name stands for its group). */
  readonly group?: string | undefined;
  /** Only the deployment with this `model_info.id`. */
  readonly deploymentId?: string | undefined;
  /**
   * Longest wait for each probe (ms), for deployments without `model_info.health_check_timeout`.
   * Default 60 s, LiteLLM's `HEALTH_CHECK_TIMEOUT_SECONDS`.
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Whether a probe's outcome reaches the deployment's actor: a failure as a failed attempt (counted
   * for cooldowns, DESIGN §6), a success as a successful one. Default true.
   */
  readonly report?: boolean | undefined;
}

export const defaultHealthCheckTimeoutMs = 60_000;
