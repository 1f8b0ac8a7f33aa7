// What a batch of outcomes exercised, counted, so that a spec can show its properties were not
// vacuous: that the generated cases did reach retries, fallbacks, cooldowns, every upstream fault,
// every clock, every kind of call and every caller's way of ending it through its kind's API.
import type { CallKindName } from '../../src/router/call-kind.js';
import { isTerminal, notificationsOf } from './outcome-queries.js';
import type { Outcome } from './run-scenario.js';

/** Each kind's API, by the way a caller consumes a call (embeddings have no stream). */
const apiNames: Readonly<Record<CallKindName, { observe: string; promise: string; stream: string }>> = {
  chat: { observe: 'completion$', promise: 'completion()', stream: 'stream()' },
  text_completion: { observe: 'textCompletion$', promise: 'textCompletion()', stream: 'textStream()' },
  embedding: { observe: 'embedding$', promise: 'embedding()', stream: 'no stream' },
};

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
    for (const upstream of outcome.upstreamCalls) add(`upstream ${upstream.kind}${upstream.stream ? ' stream' : ''} ${upstream.behaviour.kind}`);
    for (const record of outcome.calls) {
      const last = record.iterated[record.iterated.length - 1];
      const { kind } = record.spec;
      const api = apiNames[kind];
      add(`kind ${kind}`);
      switch (record.spec.caller.kind) {
        case 'observe':
          add(`${api.observe} ${notificationsOf(outcome, record.index).find(isTerminal)?.type ?? 'open'}`);
          break;
        case 'unsubscribe':
          add(`${api.observe} unsubscribed`);
          break;
        case 'promise':
          add(`${api.promise} ${record.promise?.state.status ?? 'never made'}`);
          break;
        case 'drain':
          add(`${api.stream} drained: ${last?.status === 'fulfilled' ? 'done' : (last?.status ?? 'nothing')}`);
          break;
        case 'break':
          add(`${api.stream} broken out of`);
          if (record.firstNext?.state.status === 'fulfilled' && record.firstNext.state.value.done === true) add(`${api.stream} broken out of before its first chunk`);
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
