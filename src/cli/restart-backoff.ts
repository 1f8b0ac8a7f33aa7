/** How a worker that died is replaced: soon after one crash, ever more slowly in a crash loop. */
export interface RestartPolicy {
  /** The wait before replacing a worker after its first crash. */
  readonly firstDelayMs: number;
  /** The longest wait, however long the crash loop. */
  readonly maxDelayMs: number;
  /** A worker that ran this long before dying was healthy: its replacement starts a new streak. */
  readonly stableMs: number;
}

export const defaultRestartPolicy: RestartPolicy = { firstDelayMs: 100, maxDelayMs: 30_000, stableMs: 10_000 };

/**
 * The wait before replacing a worker that died after `livedMs`, given the `streak` of quick deaths
 * before it in the same slot: doubling from `firstDelayMs` while the worker keeps dying young (a
 * bad deploy, a port taken away: restarting at once would spin a core and flood the log), back to
 * `firstDelayMs` once one has lived `stableMs`.
 *
 * @example
 * restartDelay(0, 50)     // { streak: 1, delayMs: 100 }
 * restartDelay(3, 50)     // { streak: 4, delayMs: 800 }
 * restartDelay(7, 60_000) // { streak: 1, delayMs: 100 }
 */
export function restartDelay(streak: number, livedMs: number, policy: RestartPolicy = defaultRestartPolicy): { streak: number; delayMs: number } {
  const next = livedMs >= policy.stableMs ? 1 : streak + 1;
  // 2 ** 30 would already be far past any maxDelayMs: capping the exponent keeps the product finite.
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(next - 1, 30));
  return { streak: next, delayMs };
}
