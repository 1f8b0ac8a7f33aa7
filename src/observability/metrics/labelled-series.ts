import type { Metric, Registry } from 'prom-client';

type Labels = Readonly<Record<string, string>>;

/** What prom-client's registry reads from a metric's `get()` to render it. */
interface RenderedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly values: { readonly value: number; readonly labels: Readonly<Record<string, string | number>>; readonly metricName?: string }[];
  readonly aggregator: 'sum';
}

/** One counter series: the events' subscriber adds to `value` directly. */
export class CounterSeries {
  value = 0;
  constructor(readonly labels: Labels) {}
}

/** One histogram series: per-bucket counts (not cumulative), their sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        (this.counts as Float64Array)[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
    // Above the last bound: counted in `+Inf` only (that is `count`).
  }
}

/** The series of one metric, each made once per label set and kept by whoever updates it. */
abstract class LabelledMetric<S extends { readonly labels: Labels }> {
  private readonly series = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    // prom-client renders any object with its metrics' `get()` shape; its types name only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  protected abstract create(labels: Labels): S;

  /** The series of `labels` (made on first use): keep it, and update it without any lookup. */
  of(labels: Labels): S {
    let key = '';
    for (const name of this.labelNames) key += `${labels[name] ?? ''}\u0000`;
    let found = this.series.get(key);
    if (found === undefined) {
      found = this.create(labels);
      this.series.set(key, found);
    }
    return found;
  }

  protected all(): IterableIterator<S> {
    return this.series.values();
  }

  reset(): void {
    this.series.clear();
  }
}

/**
 * A Prometheus counter whose series are plain objects the caller keeps and increments: no label
 * hashing or validation per update, which is what prom-client's `inc(labels)` does every time (about
 * a microsecond for LiteLLM's five to seven labels, several per call). Rendered by prom-client's
 * registry like its own metrics.
 */
export class LabelledCounter extends LabelledMetric<CounterSeries> {
  constructor(options: { name: string; help: string; labelNames: readonly string[]; registry: Registry }) {
    super(options.name, options.help, 'counter', options.labelNames, options.registry);
  }

  protected create(labels: Labels): CounterSeries {
    return new CounterSeries(labels);
  }

  get(): RenderedMetric {
    const values: RenderedMetric['values'] = [];
    for (const series of this.all()) values.push({ value: series.value, labels: series.labels });
    return { name: this.name, help: this.help, type: 'counter', values, aggregator: 'sum' };
  }
}

/** A Prometheus histogram with the same kept series as `LabelledCounter`, and fixed bucket bounds (seconds). */
export class LabelledHistogram extends LabelledMetric<HistogramSeries> {
  private readonly bounds: readonly number[];

  constructor(options: { name: string; help: string; labelNames: readonly string[]; buckets: readonly number[]; registry: Registry }) {
    super(options.name, options.help, 'histogram', options.labelNames, options.registry);
    this.bounds = options.buckets;
  }

  protected create(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }

  get(): RenderedMetric {
    const values: RenderedMetric['values'] = [];
    for (const series of this.all()) {
      let cumulative = 0;
      this.bounds.forEach((bound, index) => {
        cumulative += series.counts[index] as number;
        values.push({ metricName: `${this.name}_bucket`, value: cumulative, labels: { ...series.labels, le: bound } });
      });
      values.push({ metricName: `${this.name}_bucket`, value: series.count, labels: { ...series.labels, le: '+Inf' } });
      values.push({ metricName: `${this.name}_sum`, value: series.sum, labels: series.labels });
      values.push({ metricName: `${this.name}_count`, value: series.count, labels: series.labels });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }
}
