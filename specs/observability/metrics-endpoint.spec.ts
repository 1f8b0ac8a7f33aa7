import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { parsePrometheusText, samplesOf, type Sample, valueOf } from '../support/prometheus-text.js';
import { messages, postChat, startTestProxy, type TestProxy } from '../proxy/test-proxy.js';

// End to end: a scripted mix of calls through the proxy to a fake OpenAI upstream, then `GET /metrics`
// read line by line.

const providerKey = 'sk-upstream-secret-7f3a';
const masterKey = 'sk-master-metrics-91c2';
const route = '/v1/chat/completions';

function config(apiBase: string): RouterConfig {
  const deployment = (group: string, model: string, extra: Record<string, unknown> = {}) => ({
    model_name: group,
    litellm_params: { model: `openai/${model}`, api_base: apiBase, api_key: providerKey, ...extra },
    model_info: { id: `${model}-1` },
  });
  return {
    model_list: [
      deployment('ok', 'gpt-ok'),
      // Two deployments, so that a 429 cools the one it hit (a group's only deployment is never cooled for it).
      deployment('limited', 'gpt-limited-a'),
      deployment('limited', 'gpt-limited-b'),
      deployment('backup', 'gpt-backup'),
      deployment('broken', 'gpt-broken'),
      deployment('doomed', 'gpt-doomed'),
      deployment('stall', 'gpt-stall', { stream_timeout: 0.2 }),
      deployment('cut', 'gpt-cut'),
      deployment('hang', 'gpt-hang'),
    ],
    fallbacks: [{ limited: ['backup'] }, { doomed: ['broken'] }],
    num_retries: 0,
  };
}

let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy;

async function startProxy(options: { metrics?: boolean; requireAuthForMetrics?: boolean } = {}): Promise<void> {
  proxy = await startTestProxy(config(upstream.apiBase), {
    provider: createOpenAICompatibleProvider({ dispatcher: agent }),
    masterKey,
    metrics: options.metrics ?? true,
    ...(options.requireAuthForMetrics === undefined ? {} : { requireAuthForMetrics: options.requireAuthForMetrics }),
  });
}

beforeEach(async () => {
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
});

afterEach(async () => {
  await proxy.close();
  await agent.destroy();
  await upstream.close();
});

const auth = { authorization: `Bearer ${masterKey}` };

/** Runs the mix; returns each call's status, in order. */
async function scriptedMix(): Promise<number[]> {
  upstream.behave('gpt-limited-a', { kind: 'error', status: 429 });
  upstream.behave('gpt-limited-b', { kind: 'error', status: 429 });
  upstream.behave('gpt-broken', { kind: 'error', status: 500 });
  upstream.behave('gpt-doomed', { kind: 'error', status: 503 });
  upstream.behave('gpt-stall', { kind: 'stream', firstDelayMs: 5_000 });
  upstream.behave('gpt-cut', { kind: 'stream', content: ['partial', 'answer'], cutAfter: 2, cut: 'error-event', error: { message: 'overloaded', type: 'server_error' } });
  upstream.behave('gpt-hang', { kind: 'hang' });
  const statuses: number[] = [];
  const call = async (body: unknown): Promise<void> => {
    const response = await postChat(proxy.url, body, auth);
    await response.text();
    statuses.push(response.status);
  };
  await call({ model: 'ok', messages });
  await call({ model: 'ok', messages });
  await call({ model: 'ok', messages, stream: true, stream_options: { include_usage: true } });
  await call({ model: 'limited', messages }); // 429, cooled, falls back to backup
  await call({ model: 'broken', messages }); // 500
  await call({ model: 'doomed', messages }); // 503, falls back to broken: 500
  await call({ model: 'stall', messages, stream: true }); // no first chunk in 0.2 s
  await call({ model: 'cut', messages, stream: true }); // an error event after the first content chunk
  await call({ model: 'hang', messages, timeout: 0.3 }); // the call's deadline
  await call('{"model": "ok", '); // refused before the router
  return statuses;
}

async function scrape(headers: Record<string, string> = {}): Promise<{ text: string; samples: Sample[]; response: Response }> {
  const response = await fetch(`${proxy.url}/metrics`, { headers });
  const text = await response.text();
  return { text, samples: response.status === 200 ? parsePrometheusText(text) : [], response };
}

describe('GET /metrics after a scripted mix of calls', () => {
  it('has every series with LiteLLM names and labels, with the right counts', async () => {
    await startProxy();
    expect(await scriptedMix()).toEqual([200, 200, 200, 200, 500, 500, 408, 200, 408, 400]);
    const { samples, response } = await scrape();
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const deployment = (model: string) => ({ litellm_model_name: model, model_id: `${model}-1`, api_base: upstream.apiBase, api_provider: 'openai' });

    // Per deployment: successes, failures (with the exception's status and class), totals.
    expect(valueOf(samples, 'litellm_deployment_success_responses_total', { requested_model: 'ok', ...deployment('gpt-ok') })).toBe(3);
    expect(valueOf(samples, 'litellm_deployment_total_requests_total', { requested_model: 'ok', ...deployment('gpt-ok') })).toBe(3);
    expect(valueOf(samples, 'litellm_deployment_success_responses_total', { requested_model: 'backup', ...deployment('gpt-backup') })).toBe(1);
    expect(
      valueOf(samples, 'litellm_deployment_failure_responses_total', {
        requested_model: 'broken',
        ...deployment('gpt-broken'),
        exception_status: '500',
        exception_class: 'InternalServerError',
      }),
    ).toBe(2);
    expect(valueOf(samples, 'litellm_deployment_total_requests_total', { model_id: 'gpt-broken-1' })).toBe(2);
    expect(valueOf(samples, 'litellm_deployment_failure_responses_total', { model_id: 'gpt-doomed-1', exception_status: '503', exception_class: 'ServiceUnavailableError' })).toBe(1);
    expect(valueOf(samples, 'litellm_deployment_failure_responses_total', { model_id: 'gpt-stall-1', exception_status: '408', exception_class: 'RequestTimeoutError' })).toBe(1);
    expect(valueOf(samples, 'litellm_deployment_failure_responses_total', { model_id: 'gpt-hang-1', exception_status: '408' })).toBe(1);
    expect(samplesOf(samples, 'litellm_deployment_failure_responses_total', { model_id: 'gpt-cut-1' })).toHaveLength(1);
    expect(samplesOf(samples, 'litellm_deployment_failure_responses_total', { model_id: 'gpt-ok-1' })).toEqual([]);

    // The 429 cooled the deployment it hit (which one is the router's random pick), and the call fell back.
    const cooled = samplesOf(samples, 'litellm_deployment_cooled_down_total', { exception_status: '429' });
    expect(cooled.map((sample) => [sample.labels['model_id']?.startsWith('gpt-limited-'), sample.value])).toEqual([[true, 1]]);
    const cooledId = cooled[0]?.labels['model_id'] as string;
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: cooledId })).toBe(2);
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: 'gpt-broken-1' })).toBe(1);
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: 'gpt-ok-1' })).toBe(0);
    // A deadline the request chose (0.3 s, shorter than the router's) says nothing about the deployment.
    expect(valueOf(samples, 'litellm_deployment_state', { model_id: 'gpt-hang-1' })).toBe(0);
    expect(samplesOf(samples, 'litellm_deployment_state')).toHaveLength(9);

    expect(
      valueOf(samples, 'litellm_deployment_successful_fallbacks_total', {
        requested_model: 'limited',
        fallback_model: 'backup',
        exception_status: '429',
        exception_class: 'RateLimitError',
      }),
    ).toBe(1);
    expect(
      valueOf(samples, 'litellm_deployment_failed_fallbacks_total', {
        requested_model: 'doomed',
        fallback_model: 'broken',
        exception_status: '503',
        exception_class: 'ServiceUnavailableError',
      }),
    ).toBe(1);
    expect(samplesOf(samples, 'litellm_deployment_failed_fallbacks_total')).toHaveLength(1);
    expect(samplesOf(samples, 'litellm_deployment_successful_fallbacks_total')).toHaveLength(1);

    // Latency histograms (seconds, LiteLLM's buckets): one observation per answered call.
    const api = { model: 'gpt-ok', requested_model: 'ok', model_id: 'gpt-ok-1' };
    expect(valueOf(samples, 'litellm_llm_api_latency_metric_count', api)).toBe(3);
    expect(valueOf(samples, 'litellm_llm_api_latency_metric_bucket', { ...api, le: '300' })).toBe(3);
    expect(samplesOf(samples, 'litellm_llm_api_latency_metric_bucket', api).map((sample) => sample.labels['le'])).toContain('0.00625');
    expect(valueOf(samples, 'litellm_llm_api_time_to_first_token_metric_count', api)).toBe(1);
    expect(valueOf(samples, 'litellm_request_total_latency_metric_count', { requested_model: 'limited', model: 'gpt-backup', model_id: 'gpt-backup-1' })).toBe(1);
    expect(valueOf(samples, 'litellm_overhead_latency_metric_count', { model_group: 'ok', ...deployment('gpt-ok') })).toBe(3);
    expect(valueOf(samples, 'litellm_deployment_latency_per_output_token_count', deployment('gpt-ok'))).toBe(3);

    // rxllm's own: which clock ran out, and the stream that broke after its first chunk.
    expect(valueOf(samples, 'rxllm_timeouts_total', { kind: 'first_chunk' })).toBe(1);
    expect(valueOf(samples, 'rxllm_timeouts_total', { kind: 'deadline' })).toBe(1);
    expect(samplesOf(samples, 'rxllm_timeouts_total', { kind: 'idle' })).toEqual([]);
    expect(valueOf(samples, 'rxllm_stream_errors_after_commit_total', { requested_model: 'cut' })).toBe(1);
    expect(samplesOf(samples, 'rxllm_stream_errors_after_commit_total')).toHaveLength(1);

    // The proxy's requests, the refused one included; this scrape is the one request in flight.
    const proxied = (requested_model: string, status_code: string) => valueOf(samples, 'litellm_proxy_total_requests_metric_total', { requested_model, status_code, route });
    expect([proxied('ok', '200'), proxied('limited', '200'), proxied('broken', '500'), proxied('doomed', '500'), proxied('stall', '408')]).toEqual([3, 1, 1, 1, 1]);
    expect([proxied('cut', '200'), proxied('hang', '408'), proxied('', '400')]).toEqual([1, 1, 1]);
    const failed = samplesOf(samples, 'litellm_proxy_failed_requests_metric_total').map((sample) => [
      sample.labels['requested_model'],
      sample.labels['exception_status'],
      sample.labels['exception_class'],
      sample.value,
    ]);
    expect(failed.sort()).toEqual(
      [
        ['', '400', 'BadRequestError', 1],
        ['broken', '500', 'InternalServerError', 1],
        ['doomed', '500', 'InternalServerError', 1],
        ['hang', '408', 'RequestTimeoutError', 1],
        ['stall', '408', 'RequestTimeoutError', 1],
      ].sort(),
    );
    expect(valueOf(samples, 'litellm_in_flight_requests')).toBe(1);
  });

  it('never shows a key: not the providers\', not the master key', async () => {
    await startProxy();
    await scriptedMix();
    const { text } = await scrape();
    expect(text.length).toBeGreaterThan(1000);
    for (const key of [providerKey, masterKey]) {
      expect(text).not.toContain(key);
      expect(text).not.toContain(key.slice(3, 15));
    }
  });
});

describe('GET /metrics: who may scrape (LiteLLM require_auth_for_metrics_endpoint)', () => {
  it('is open by default even with a master_key, as LiteLLM; the API stays closed', async () => {
    await startProxy();
    expect((await scrape()).response.status).toBe(200);
    expect((await postChat(proxy.url, { model: 'ok', messages })).status).toBe(401);
  });

  it('needs the master key when require_auth_for_metrics_endpoint is true, as a Bearer token like every route', async () => {
    await startProxy({ requireAuthForMetrics: true });
    const refused = await scrape();
    expect(refused.response.status).toBe(401);
    expect((await scrape({ authorization: 'Bearer sk-wrong' })).response.status).toBe(401);
    const allowed = await scrape(auth);
    expect(allowed.response.status).toBe(200);
    expect(samplesOf(allowed.samples, 'litellm_deployment_state')).toHaveLength(9);
  });

  it('is not there when metrics are off (no prometheus callback): 404 behind the key', async () => {
    await startProxy({ metrics: false });
    expect((await scrape()).response.status).toBe(401);
    expect((await scrape(auth)).response.status).toBe(404);
  });

  it('answers 405 to anything but GET', async () => {
    await startProxy();
    const response = await fetch(`${proxy.url}/metrics`, { method: 'POST', body: '' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
  });
});
