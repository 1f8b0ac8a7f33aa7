/**
 * The soak's promises (DESIGN.md §1, §4, §7) as checks over a summary: each broken one is a line
 * saying what and how many, with a few examples; none means the run kept every promise.
 */
import { brokenClasses } from './classify-outcome.js';
import type { SoakSummary } from './soak-summary.js';

export interface ResourceTrend {
  /** e.g. `RSS`, `open fds`. */
  readonly name: string;
  /** Per minute, after warm-up. */
  readonly slopePerMinute: number;
  readonly unit: string;
  /** The slope of the 30-second minima (what survives garbage collection), per minute. */
  readonly floorSlopePerMinute: number;
  /** Floors rising faster than this is a leak (falling ones are not). */
  readonly maxSlopePerMinute: number;
}

export function checkInvariants(summary: SoakSummary, upstreamOpenAfterSettle: number, trends: readonly ResourceTrend[] = []): string[] {
  const violations: string[] = [];
  const { total } = summary;
  if (total.received !== total.sent) violations.push(`${total.sent - total.received} of ${total.sent} requests got no outcome (lost)`);
  if (upstreamOpenAfterSettle !== 0) violations.push(`${upstreamOpenAfterSettle} upstream requests still open after the settle`);
  for (const name of brokenClasses) {
    const count = total.byClass[name];
    if (count === 0 || name === 'lost') continue;
    const examples = [...total.details.keys()].filter((key) => key.startsWith(`${name} `)).slice(0, 3);
    violations.push(`${count} ${name} outcomes (${examples.join('; ')})`);
  }
  for (const trend of trends) {
    if (trend.floorSlopePerMinute > trend.maxSlopePerMinute) {
      violations.push(`${trend.name} grows ${trend.floorSlopePerMinute.toFixed(1)} ${trend.unit}/min after warm-up, 30-second minima (bound ${trend.maxSlopePerMinute})`);
    }
  }
  return violations;
}
