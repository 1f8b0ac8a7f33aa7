import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRestartPolicy, restartDelay } from '../../src/cli/restart-backoff.js';
import { propertyRuns } from '../support/property-runs.js';

describe('restartDelay', () => {
  it('doubles the wait while workers keep dying young, up to the cap', () => {
    let streak = 0;
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const next = restartDelay(streak, 200);
      streak = next.streak;
      waits.push(next.delayMs);
    }
    expect(waits).toEqual([100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000, 30_000]);
  });

  it('starts over after a worker that lived past stableMs', () => {
    expect(restartDelay(6, defaultRestartPolicy.stableMs)).toEqual({ streak: 1, delayMs: 100 });
    expect(restartDelay(6, defaultRestartPolicy.stableMs - 1)).toEqual({ streak: 7, delayMs: 6_400 });
  });

  it('never waits less than the first delay nor more than the cap, and never shrinks within a streak', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.nat({ max: 100_000 }), (streak, livedMs) => {
        const next = restartDelay(streak, livedMs);
        expect(next.delayMs).toBeGreaterThanOrEqual(defaultRestartPolicy.firstDelayMs);
        expect(next.delayMs).toBeLessThanOrEqual(defaultRestartPolicy.maxDelayMs);
        expect(Number.isFinite(next.delayMs)).toBe(true);
        if (livedMs < defaultRestartPolicy.stableMs) {
          expect(next.delayMs).toBeGreaterThanOrEqual(restartDelay(Math.max(0, streak - 1), livedMs).delayMs);
        }
      }),
      propertyRuns,
    );
  });
});
