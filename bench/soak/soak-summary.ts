/**
 * Outcomes and upstream counts, grouped per fault: a client request is counted under every fault
 * its upstream attempts met (so fault rows overlap), under `none` when it met none, and in `total`.
 */
import { outcomeClasses, type OutcomeClass } from './classify-outcome.js';
import { faultKinds, type Served } from './faults.js';
import type { ServedCounts } from './fault-upstream.js';
import type { Outcome } from './soak-client.js';

export interface SummaryRow {
  /** `total`, a fault, or `none`. */
  readonly name: string;
  /** Client requests started. */
  sent: number;
  /** Client requests that got an outcome (all but `lost`). */
  received: number;
  readonly byClass: Record<OutcomeClass, number>;
  /** `<class> <detail>` → count, e.g. `error-status 429 rate_limit_exceeded`. */
  readonly details: Map<string, number>;
  /** The upstream requests served this way (`total`: all of them). */
  upstream: ServedCounts;
  readonly latenciesMs: number[];
}

export interface SoakSummary {
  readonly total: SummaryRow;
  /** `none`, then each fault, in the matrix's order. */
  readonly rows: readonly SummaryRow[];
  /** Per kind of client request, `<model group> <endpoint> <stream|json>`, sorted by name. */
  readonly traffic: readonly SummaryRow[];
}

function emptyRow(name: string): SummaryRow {
  const byClass = {} as Record<OutcomeClass, number>;
  for (const name of outcomeClasses) byClass[name] = 0;
  return { name, sent: 0, received: 0, byClass, details: new Map(), upstream: { requests: 0, finished: 0, closedEarly: 0, open: 0 }, latenciesMs: [] };
}

function add(row: SummaryRow, outcome: Outcome): void {
  row.sent += 1;
  if (outcome.class !== 'lost') row.received += 1;
  row.byClass[outcome.class] += 1;
  const key = `${outcome.class} ${outcome.detail}`;
  row.details.set(key, (row.details.get(key) ?? 0) + 1);
  row.latenciesMs.push(outcome.latencyMs);
}

/**
 * @param servedFor what the upstream served each client request's attempts with (by `user`)
 * @param counts the upstream's own counts per fault
 */
export function summarize(
  outcomes: readonly Outcome[],
  servedFor: (user: string) => readonly Served[],
  counts: Readonly<Record<Served, ServedCounts>>,
): SoakSummary {
  const total = emptyRow('total');
  const byName = new Map<Served, SummaryRow>();
  for (const name of ['none', ...faultKinds] as const) {
    const row = emptyRow(name);
    row.upstream = { ...counts[name] };
    for (const field of ['requests', 'finished', 'closedEarly', 'open'] as const) total.upstream[field] += counts[name][field];
    byName.set(name, row);
  }
  const byTraffic = new Map<string, SummaryRow>();
  for (const outcome of outcomes) {
    add(total, outcome);
    const kind = `${outcome.model} ${outcome.endpoint} ${outcome.stream ? 'stream' : 'json'}`;
    let row = byTraffic.get(kind);
    if (row === undefined) byTraffic.set(kind, (row = emptyRow(kind)));
    add(row, outcome);
    const met = new Set<Served>(servedFor(outcome.user).filter((served) => served !== 'none'));
    if (met.size === 0) met.add('none');
    for (const served of met) add(byName.get(served) as SummaryRow, outcome);
  }
  const traffic = [...byTraffic.values()].sort((a, b) => a.name.localeCompare(b.name));
  return { total, rows: [...byName.values()], traffic };
}

/** The `p`-quantile (0..1) of `values`, nearest rank; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number;
}
