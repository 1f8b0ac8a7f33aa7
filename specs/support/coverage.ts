// What a batch of outcomes exercised, counted, so that a spec can show its properties were not
// vacuous: that the generated cases did reach retries, fallbacks, cooldowns, every upstream fault,
// every clock, every caller's way of ending a call.
import type { Outcome } from './run-scenario.js';

/** How often each thing worth exercising happened across `outcomes`. */
export function coverageOf(outcomes: readonly Outcome[]): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (const outcome of outcomes) {
    for (const entry of outcome.log) {
      if (entry.type !== 'event') continue;
      const { event } = entry;
      add(event.type);
      if (event.type === 'attemptFailed') {
        add(`attemptFailed ${event.status} ${event.code}`);
        if (!event.counted) add('attemptFailed not counted');
      }
    }
    for (const record of outcome.calls) {
      const last = record.iterated[record.iterated.length - 1];
      switch (record.spec.caller.kind) {
        case 'promise':
          add(`completion() ${record.promise?.state.status ?? 'never made'}`);
          break;
        case 'drain':
          add(`stream() drained: ${last?.status === 'fulfilled' ? 'done' : (last?.status ?? 'nothing')}`);
          break;
        case 'break':
          if (record.firstNext?.state.status === 'fulfilled' && record.firstNext.state.value.done === true) add('stream() broken out of before its first chunk');
          break;
        default:
          break;
      }
    }
  }
  return counts;
}

/** The runs `minimums` are written for; fewer runs (FC_RUNS, or a replay) scale them down. */
const baseRuns = 300;

/** The entries of `counts` below their `minimums` (scaled to `runs`), as `name: count < minimum` lines. */
export function shortfalls(counts: ReadonlyMap<string, number>, minimums: Readonly<Record<string, number>>, runs: number): string[] {
  const scale = Math.min(1, runs / baseRuns);
  return Object.entries(minimums)
    .map(([name, minimum]): [string, number] => [name, Math.floor(minimum * scale)])
    .filter(([name, minimum]) => (counts.get(name) ?? 0) < minimum)
    .map(([name, minimum]) => `${name}: ${counts.get(name) ?? 0} < ${minimum}`);
}
