import { noop } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { routerMetrics } from '../../src/observability/metrics/router-metrics.js';
import { Router } from '../../src/router/router.js';
import { parsePrometheusText, samplesOf, valueOf } from '../support/prometheus-text.js';
import { request } from '../routing/router-fixture.js';

const keys = ['sk-deploy-key-a1b2c3', 'sk-userinfo-pass-d4e5', 'sk-query-key-f6a7', 'sk-other-query-b8c9'];

function router(): Router {
  return new Router(
    {
      model_list: [
        {
          model_name: 'g',
          litellm_params: { model: 'openai/m-1', api_key: keys[0], api_base: `https://alice:${keys[1]}@llm.example/v1?key=${keys[2]}&api-version=${keys[3]}`, mock_response: 'hi' },
          model_info: { id: 'one' },
        },
        { model_name: 'g', litellm_params: { model: 'anthropic/m-2', api_key: keys[0], mock_response: 'litellm.RateLimitError' }, model_info: { id: 'two' } },
      ],
      num_retries: 3,
    },
    { env: {}, random: () => 0.99 },
  );
}

describe('routerMetrics', () => {
  it('labels a deployment with its api_base stripped of userinfo and query values, and never shows a configured key', async () => {
    const r = router();
    const metrics = routerMetrics(r);
    await r.completion(request('g')); // two (429, cooled) then one
    const text = await metrics.text();
    for (const key of keys) expect(text).not.toContain(key);
    const samples = parsePrometheusText(text);
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: 'one' })).toBe(0);
    expect(samplesOf(samples, 'litellm_deployment_state', { model_id: 'one' })[0]?.labels).toEqual({
      litellm_model_name: 'm-1',
      model_id: 'one',
      api_base: 'https://***:***@llm.example/v1?key=***&api-version=***',
      api_provider: 'openai',
    });
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: 'two', api_provider: 'anthropic' })).toBe(2);
    expect(valueOf(samples, 'litellm_deployment_cooled_down_total', { model_id: 'two', exception_status: '429' })).toBe(1);
    // A bare router counts its upstream attempts in flight: none now.
    expect(valueOf(samples, 'litellm_in_flight_requests')).toBe(0);
    metrics.close();
    await r.close();
  });

  it('keeps its own registry and stops counting once closed', async () => {
    const r = router();
    const first = routerMetrics(r);
    const second = routerMetrics(r);
    expect(first.registry).not.toBe(second.registry);
    second.close();
    await r.completion(request('g'));
    const counted = (text: string) => samplesOf(parsePrometheusText(text), 'litellm_deployment_total_requests_total').reduce((sum, sample) => sum + sample.value, 0);
    expect(counted(await first.text())).toBe(2);
    expect(counted(await second.text())).toBe(0);
    first.close();
    r.completion$(request('g')).subscribe({ error: noop });
    await r.completion(request('g'));
    expect(counted(await first.text())).toBe(2);
    await r.close();
  });
});
