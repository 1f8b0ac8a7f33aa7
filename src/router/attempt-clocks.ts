import type { Deployment, RouterSettings } from '../config/router-settings.js';
import type { ParsedRequest } from './parse-request.js';

/** The clocks of one attempt at one deployment, in ms; `undefined` means that clock is off. */
export interface AttemptClocks {
  /** Streaming: subscription → first chunk with content (`first_chunk_timeout`). */
  readonly firstChunkMs: number | undefined;
  /** Streaming: longest gap between chunks after the first (`idle_timeout`). */
  readonly idleMs: number | undefined;
  /** Non-streaming: subscription → complete response (`attempt_timeout`). */
  readonly attemptMs: number | undefined;
  /**
   * Whether the first-chunk / idle clock running out says something about the deployment (DESIGN §6):
   * only when the clock the configuration set would have run out by then too. A shorter clock the
   * request chose says nothing: else any client could cool a deployment for everyone.
   */
  readonly firstChunkCounts: boolean;
  readonly idleCounts: boolean;
}

/** The configuration's clock `configured` would have fired by the time `effective` did. */
function counts(configured: number | undefined, effective: number | undefined): boolean {
  return configured !== undefined && effective !== undefined && configured <= effective;
}

/**
 * DESIGN §3's precedence, as one pure function: `stream_timeout` request > deployment > router, else
 * the deployment's `timeout`; `stream_idle_timeout` likewise, else the resolved `stream_timeout`.
 * A deployment `timeout` caps a whole non-streaming attempt but never cuts a healthy stream.
 * The call's deadline bounds all of them separately.
 */
export function attemptClocks(deployment: Deployment, settings: RouterSettings, request: ParsedRequest): AttemptClocks {
  if (!request.stream) {
    return { firstChunkMs: undefined, idleMs: undefined, attemptMs: deployment.timeoutMs, firstChunkCounts: false, idleCounts: false };
  }
  const configuredFirst = deployment.streamTimeoutMs ?? settings.streamTimeoutMs ?? deployment.timeoutMs;
  const configuredIdle = deployment.streamIdleTimeoutMs ?? settings.streamIdleTimeoutMs ?? configuredFirst;
  const firstChunkMs = request.streamTimeoutMs ?? configuredFirst;
  const idleMs = request.streamIdleTimeoutMs ?? deployment.streamIdleTimeoutMs ?? settings.streamIdleTimeoutMs ?? firstChunkMs;
  return {
    firstChunkMs,
    idleMs,
    attemptMs: undefined,
    firstChunkCounts: counts(configuredFirst, firstChunkMs),
    idleCounts: counts(configuredIdle, idleMs),
  };
}
