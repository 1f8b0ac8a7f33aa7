import { noop } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { routerMetrics } from '../../src/observability/metrics/router-metrics.js';
import type { RouterRequest } from '../../src/protocol/chat.js';
import { Router } from '../../src/router/router.js';
import { createTestScheduler } from '../support/marbles.js';
import { parsePrometheusText, samplesOf, valueOf } from '../support/prometheus-text.js';
import { request } from '../routing/router-fixture.js';
import { chunks, deployment, first, messages, type Output, scriptedProvider } from '../router/support.js';

// DESIGN §12's events reach /metrics: rxllm_hedges_total{outcome} and rxllm_probes_total{result},
// and a half-open deployment reads as a partial outage (1) in litellm_deployment_state.

describe('metrics of hedging and half-open recovery', () => {
  it('counts a hedge started and won, and a hedge skipped for want of budget', async () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    let metrics: ReturnType<typeof routerMetrics> | undefined;
    testScheduler.run(({ cold }) => {
      const slow = cold<Output>('-------------------------a-b-f|', chunks);
      const fast = cold<Output>('---r-a---b-f|', chunks);
      const { provider } = scriptedProvider({ a: [slow, slow], b: [fast, fast] }, () => testScheduler.now());
      // A budget of one hedge per two hedged attempts: the first call's hedge spends it, the second call's is skipped.
      router = new Router(
        { model_list: [deployment('g', 'a'), deployment('g', 'b')], hedge_after: 0.01, hedge_budget: 0.5 },
        { scheduler: testScheduler, random: first, provider },
      );
      metrics = routerMetrics(router);
      const streaming: RouterRequest = { model: 'g', messages, stream: true };
      router.completion$(streaming).subscribe({ error: noop });
      testScheduler.schedule(() => router?.completion$(streaming).subscribe({ error: noop }), 40);
    });
    const samples = parsePrometheusText(await (metrics as NonNullable<typeof metrics>).text());
    expect(valueOf(samples, 'rxllm_hedges_total', { model_group: 'g', outcome: 'started' })).toBe(1);
    expect(valueOf(samples, 'rxllm_hedges_total', { model_group: 'g', outcome: 'won' })).toBe(1);
    expect(valueOf(samples, 'rxllm_hedges_total', { model_group: 'g', outcome: 'skipped_budget' })).toBe(1);
    // The loser was cancelled, not failed: no failure series for it.
    expect(samplesOf(samples, 'litellm_deployment_failure_responses_total', { model_id: 'a' })).toEqual([]);
    await router?.close();
  });

  it('counts probes started and failed, and shows a half-open deployment as a partial outage', async () => {
    const router = new Router(
      {
        model_list: [
          { model_name: 'g', litellm_params: { model: 'openai/one', mock_response: 'hi' }, model_info: { id: 'one' } },
          { model_name: 'g', litellm_params: { model: 'openai/two', mock_response: 'litellm.RateLimitError' }, model_info: { id: 'two' } },
        ],
        num_retries: 3,
        cooldown_time: 0.05,
      },
      { env: {}, random: () => 0.99 },
    );
    const metrics = routerMetrics(router);
    const state = async (id: string) => valueOf(parsePrometheusText(await metrics.text()), 'litellm_deployment_state', { model_id: id });
    await router.completion(request('g')); // two: 429, cooled; one answers
    expect(await state('two')).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 120)); // the 50 ms cooldown ends: two is half-open
    expect(await state('two')).toBe(1);
    await router.completion(request('g')); // two's probe: 429 again, cooled for twice as long; one answers
    const samples = parsePrometheusText(await metrics.text());
    expect(valueOf(samples, 'rxllm_probes_total', { model_id: 'two', result: 'started' })).toBe(1);
    expect(valueOf(samples, 'rxllm_probes_total', { model_id: 'two', result: 'failed' })).toBe(1);
    expect(samplesOf(samples, 'rxllm_probes_total', { model_id: 'two', result: 'succeeded' })).toEqual([]);
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: 'two' })).toBe(2);
    metrics.close();
    await router.close();
  });
});
