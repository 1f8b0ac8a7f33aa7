/** The soak's report: a table per fault and in total, the error details, and the resource trend. */
import { outcomeClasses } from './classify-outcome.js';
import { faultKinds, type Served } from './faults.js';
import { quantile, type SoakSummary, type SummaryRow } from './soak-summary.js';

function cells(row: SummaryRow): string[] {
  const ms = (p: number): string => (row.latenciesMs.length === 0 ? '—' : quantile(row.latenciesMs, p).toFixed(0));
  return [
    row.name,
    String(row.sent),
    String(row.received),
    ...outcomeClasses.map((name) => String(row.byClass[name])),
    String(row.upstream.requests),
    String(row.upstream.open),
    ms(0.5),
    ms(0.99),
  ];
}

/** A markdown table, columns padded so it also reads as plain text. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function outcomeTable(summary: SoakSummary): string {
  const header = ['served', 'sent', 'received', ...outcomeClasses, 'upstream reqs', 'upstream open', 'p50 ms', 'p99 ms'];
  return table(header, [...summary.rows.map(cells), cells(summary.total)]);
}

/** Outcomes per kind of client request (model group, endpoint, stream or not). */
export function trafficTable(summary: SoakSummary): string {
  const header = ['request', 'sent', 'received', ...outcomeClasses, 'p50 ms', 'p99 ms'];
  const row = (line: SummaryRow): string[] => {
    const all = cells(line);
    return [...all.slice(0, 3 + outcomeClasses.length), ...all.slice(-2)];
  };
  return table(header, [...summary.traffic.map(row), row(summary.total)]);
}

/** Upstream requests per wire format, endpoint and stream or not: how many, how many faulted, how many of the faults met. */
export function upstreamRouteTable(byRoute: Readonly<Record<string, Readonly<Record<Served, number>> | undefined>>): string {
  const rows = Object.entries(byRoute)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([route, counts]) => {
      const served = counts ?? ({} as Record<Served, number>);
      const faulted = faultKinds.reduce((sum, fault) => sum + (served[fault] ?? 0), 0);
      const met = faultKinds.filter((fault) => (served[fault] ?? 0) > 0).length;
      return [route, String(faulted + (served.none ?? 0)), String(faulted), `${met}/${faultKinds.length}`];
    });
  return table(['upstream route', 'requests', 'faulted', 'faults met'], rows);
}

/** Outcomes by class and detail (status and code), most frequent first. */
export function detailTable(summary: SoakSummary): string {
  const rows = [...summary.total.details.entries()].sort((a, b) => b[1] - a[1]).map(([key, count]) => {
    const space = key.indexOf(' ');
    return [key.slice(0, space), key.slice(space + 1), String(count)];
  });
  return table(['class', 'detail', 'count'], rows);
}

export interface TrendLine {
  readonly name: string;
  readonly first: number;
  readonly last: number;
  readonly min: number;
  readonly max: number;
  readonly slopePerMinute: number;
  /** The slope of the 30-second minima: what survives garbage collection. */
  readonly floorSlopePerMinute: number;
  readonly unit: string;
}

export function trendTable(trends: readonly TrendLine[]): string {
  return table(
    ['resource', 'after warm-up', 'end of load', 'min', 'max', 'slope / min (least squares)', 'floor slope / min (30 s minima)'],
    trends.map((trend) => [
      `${trend.name} (${trend.unit})`,
      trend.first.toFixed(0),
      trend.last.toFixed(0),
      trend.min.toFixed(0),
      trend.max.toFixed(0),
      trend.slopePerMinute.toFixed(1),
      trend.floorSlopePerMinute.toFixed(1),
    ]),
  );
}
