/**
 * `GET /metrics` read against the clients' own ledger, once the proxy has nothing in flight.
 *
 * `litellm_proxy_total_requests_metric_total{route, requested_model, status_code}` counts each call
 * request when its response closes, under the status it was answered with (499 when the client left
 * before any). What must match, exactly:
 * - every request whose client read a status is counted under that route, model and status: per
 *   label set, the metric is at least the clients' count;
 * - the rest of the metric (what it counts beyond that) is at most the requests whose client hung up
 *   before any status came: the proxy counts each of those once (under 499, or under the status it
 *   had just sent), or never saw it (a hang-up before the request was read). Nothing else may be in it;
 * - `litellm_proxy_failed_requests_metric_total` is exactly the total's series with a status ≥ 400;
 * - no deployment's key appears anywhere in the page.
 */
import type { Outcome } from './soak-client.js';

export interface MetricsLedger {
  /** The total counter summed. */
  readonly proxyTotal: number;
  /** Requests whose client read a status. */
  readonly answered: number;
  /** Requests whose client hung up (or gave up) before any status. */
  readonly unanswered: number;
  /** What the metric counts beyond the answered, ≤ `unanswered`. */
  readonly surplus: number;
  /** `rxllm_hedges_total` by outcome, summed over groups. */
  readonly hedges: Readonly<Record<string, number>>;
  readonly violations: readonly string[];
}

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const labelPair = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text page (comments skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line);
    if (match === null || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(labelPair)) labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

const keyOf = (route: string, model: string, status: number | string): string => `${route} ${model} ${status}`;

export function checkMetrics(text: string, outcomes: readonly Outcome[], secrets: readonly string[]): MetricsLedger {
  const violations: string[] = [];
  for (const secret of secrets) if (text.includes(secret)) violations.push(`/metrics shows a deployment's key`);
  const samples = parsePrometheusText(text);
  const counted = new Map<string, number>();
  let failedFromTotal = 0;
  let failed = 0;
  const hedges: Record<string, number> = {};
  for (const sample of samples) {
    const { labels } = sample;
    if (sample.name === 'litellm_proxy_total_requests_metric_total') {
      const key = keyOf(labels['route'] ?? '', labels['requested_model'] ?? '', labels['status_code'] ?? '');
      counted.set(key, (counted.get(key) ?? 0) + sample.value);
      if (Number(labels['status_code']) >= 400) failedFromTotal += sample.value;
    } else if (sample.name === 'litellm_proxy_failed_requests_metric_total') failed += sample.value;
    else if (sample.name === 'rxllm_hedges_total') hedges[labels['outcome'] ?? ''] = (hedges[labels['outcome'] ?? ''] ?? 0) + sample.value;
  }
  const expected = new Map<string, number>();
  let unanswered = 0;
  for (const outcome of outcomes) {
    if (outcome.status === undefined) unanswered += 1;
    else expected.set(keyOf(outcome.route, outcome.model, outcome.status), (expected.get(keyOf(outcome.route, outcome.model, outcome.status)) ?? 0) + 1);
  }
  let surplus = 0;
  for (const [key, count] of expected) {
    const seen = counted.get(key) ?? 0;
    if (seen < count) violations.push(`/metrics counts ${seen} requests as "${key}", the clients read ${count}`);
  }
  for (const [key, seen] of counted) surplus += Math.max(0, seen - (expected.get(key) ?? 0));
  if (surplus > unanswered) {
    const extra = [...counted].filter(([key, seen]) => seen > (expected.get(key) ?? 0)).slice(0, 3).map(([key, seen]) => `${key}: ${seen} vs ${expected.get(key) ?? 0}`);
    violations.push(`/metrics counts ${surplus} requests beyond what the clients read, more than the ${unanswered} that hung up before a status (${extra.join('; ')})`);
  }
  if (failed !== failedFromTotal) violations.push(`litellm_proxy_failed_requests_metric_total is ${failed}, the total's series with a status >= 400 sum to ${failedFromTotal}`);
  const proxyTotal = [...counted.values()].reduce((sum, value) => sum + value, 0);
  return { proxyTotal, answered: outcomes.length - unanswered, unanswered, surplus, hedges, violations };
}
