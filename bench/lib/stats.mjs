// Small numeric helpers and the table printer.

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function sortNumbers(values) {
  return Float64Array.from(values).sort();
}

export function median(values) {
  return percentile(sortNumbers(values), 50);
}

export function fmt(value, digits = 2) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (typeof value === 'string') return value;
  return value.toFixed(digits);
}

/** A GitHub-flavoured markdown table (it reads fine in a terminal too). */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Monotonic ns as a Number of ms (CLOCK_MONOTONIC: comparable across processes on one machine). */
export function nowMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}
