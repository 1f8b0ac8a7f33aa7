import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LabelledCounter, LabelledHistogram } from '../../src/observability/metrics/labelled-series.js';
import { parsePrometheusText, valueOf } from '../support/prometheus-text.js';

describe('LabelledCounter and LabelledHistogram', () => {
  it('render through prom-client\'s registry: one series per label set, cumulative buckets, +Inf, sum and count', async () => {
    const registry = new Registry();
    const counter = new LabelledCounter({ name: 'c_total', help: 'a counter', labelNames: ['a'], registry });
    const histogram = new LabelledHistogram({ name: 'h', help: 'a histogram', labelNames: ['a'], buckets: [0.005, 0.5, 300], registry });
    counter.of({ a: 'x' }).value += 2;
    counter.of({ a: 'x' }).value += 1; // the same series again
    counter.of({ a: 'y "quoted"' }).value += 1;
    const series = histogram.of({ a: 'x' });
    for (const value of [0.001, 0.005, 0.2, 400]) series.observe(value);
    const text = await registry.metrics();
    expect(text).toContain('# TYPE c_total counter');
    expect(text).toContain('# TYPE h histogram');
    const samples = parsePrometheusText(text);
    expect(valueOf(samples, 'c_total', { a: 'x' })).toBe(3);
    expect(valueOf(samples, 'c_total', { a: 'y "quoted"' })).toBe(1);
    expect(['0.005', '0.5', '300', '+Inf'].map((le) => valueOf(samples, 'h_bucket', { a: 'x', le }))).toEqual([2, 3, 3, 4]);
    expect(valueOf(samples, 'h_sum', { a: 'x' })).toBeCloseTo(400.206, 6);
    expect(valueOf(samples, 'h_count', { a: 'x' })).toBe(4);
    registry.resetMetrics();
    expect(parsePrometheusText(await registry.metrics())).toEqual([]);
  });
});
