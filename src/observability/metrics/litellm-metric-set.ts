import { Gauge, type Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-series.js';
import { latencyBuckets, pythonDefaultBuckets } from './latency-buckets.js';

const deployment = ['litellm_model_name', 'model_id', 'api_base', 'api_provider'] as const;
const exception = ['exception_status', 'exception_class'] as const;

/**
 * Every series rxllm exposes, on one registry, with LiteLLM's names, types, label names and buckets
 * (its `PrometheusMetricLabels`), so that dashboards and alerts written for LiteLLM work unchanged.
 * LiteLLM's per-user labels (`hashed_api_key`, `team`, `end_user`, ...) are left out: rxllm has no
 * virtual keys or teams, and a label that is always empty is absent in Prometheus anyway.
 * Histograms are in seconds, as LiteLLM's. Counters carry the `_total` suffix in their name: the
 * Python client LiteLLM uses appends it to every counter's samples, so that is what dashboards query
 * (`litellm_deployment_success_responses_total`); prom-client prints names as given.
 * Counters and histograms are `LabelledCounter` / `LabelledHistogram`: their series are kept by the
 * subscriber and updated without a label lookup; the two gauges are prom-client's, set at scrape time.
 */
export function litellmMetricSet(registry: Registry, onScrape: { deploymentState: () => void; inFlight: () => void }) {
  const registers = [registry];
  return {
    deploymentState: new Gauge({
      name: 'litellm_deployment_state',
      help: 'LLM Deployment Analytics - The state of the deployment: 0 = healthy, 1 = partial outage, 2 = complete outage (cooling down)',
      labelNames: deployment,
      registers,
      collect: onScrape.deploymentState,
    }),
    successResponses: new LabelledCounter({
      name: 'litellm_deployment_success_responses_total',
      help: 'LLM Deployment Analytics - Total number of successful LLM API calls via rxllm',
      labelNames: ['requested_model', ...deployment],
      registry,
    }),
    failureResponses: new LabelledCounter({
      name: 'litellm_deployment_failure_responses_total',
      help: 'LLM Deployment Analytics - Total number of failed LLM API calls for a specific LLM deployment. exception_status is the status of the exception from the llm api',
      labelNames: ['requested_model', ...deployment, ...exception],
      registry,
    }),
    totalRequests: new LabelledCounter({
      name: 'litellm_deployment_total_requests_total',
      help: 'LLM Deployment Analytics - Total number of LLM API calls via rxllm - success + failure',
      labelNames: ['requested_model', ...deployment],
      registry,
    }),
    cooledDown: new LabelledCounter({
      name: 'litellm_deployment_cooled_down_total',
      help: 'LLM Deployment Analytics - Number of times a deployment has been cooled down. exception_status is the status of the exception that caused the cooldown',
      labelNames: [...deployment, 'exception_status'],
      registry,
    }),
    successfulFallbacks: new LabelledCounter({
      name: 'litellm_deployment_successful_fallbacks_total',
      help: 'LLM Deployment Analytics - Number of successful fallback requests from primary model -> fallback model',
      labelNames: ['requested_model', 'fallback_model', ...exception],
      registry,
    }),
    failedFallbacks: new LabelledCounter({
      name: 'litellm_deployment_failed_fallbacks_total',
      help: 'LLM Deployment Analytics - Number of failed fallback requests from primary model -> fallback model',
      labelNames: ['requested_model', 'fallback_model', ...exception],
      registry,
    }),
    latencyPerOutputToken: new LabelledHistogram({
      name: 'litellm_deployment_latency_per_output_token',
      help: 'LLM Deployment Analytics - Latency per output token (seconds)',
      labelNames: deployment,
      buckets: pythonDefaultBuckets,
      registry,
    }),
    llmApiLatency: new LabelledHistogram({
      name: 'litellm_llm_api_latency_metric',
      help: 'Total latency (seconds) for a models LLM API call',
      labelNames: ['model', 'requested_model', 'model_id'],
      buckets: latencyBuckets,
      registry,
    }),
    timeToFirstToken: new LabelledHistogram({
      name: 'litellm_llm_api_time_to_first_token_metric',
      help: 'Time to first token (seconds) for a models LLM API call (streams)',
      labelNames: ['model', 'requested_model', 'model_id'],
      buckets: latencyBuckets,
      registry,
    }),
    requestTotalLatency: new LabelledHistogram({
      name: 'litellm_request_total_latency_metric',
      help: 'Total latency (seconds) for a request to rxllm, retries and fallbacks included',
      labelNames: ['requested_model', 'model', 'model_id'],
      buckets: latencyBuckets,
      registry,
    }),
    overheadLatency: new LabelledHistogram({
      name: 'litellm_overhead_latency_metric',
      help: 'Latency overhead (seconds) added by rxllm: the call minus its answering LLM API call (routing, failed attempts, waits)',
      labelNames: ['model_group', 'api_provider', 'api_base', 'litellm_model_name', 'model_id'],
      buckets: latencyBuckets,
      registry,
    }),
    inFlightRequests: new Gauge({
      name: 'litellm_in_flight_requests',
      help: 'Requests in flight (the proxy: HTTP requests not yet answered; a bare router: upstream attempts)',
      registers,
      collect: onScrape.inFlight,
    }),
    proxyTotalRequests: new LabelledCounter({
      name: 'litellm_proxy_total_requests_metric_total',
      help: 'Total number of requests made to the proxy server - track number of client side requests',
      labelNames: ['requested_model', 'status_code', 'route'],
      registry,
    }),
    proxyFailedRequests: new LabelledCounter({
      name: 'litellm_proxy_failed_requests_metric_total',
      help: 'Total number of failed responses from proxy - the client did not get a success response from rxllm',
      labelNames: ['requested_model', ...exception, 'route'],
      registry,
    }),
    timeouts: new LabelledCounter({
      name: 'rxllm_timeouts_total',
      help: "Clocks that ran out, by kind: first_chunk, idle and attempt cut one attempt; deadline cuts the whole call",
      labelNames: ['kind'],
      registry,
    }),
    streamErrorsAfterCommit: new LabelledCounter({
      name: 'rxllm_stream_errors_after_commit_total',
      help: 'Calls that failed after their first chunk went out: the client got a broken stream rather than an error status',
      labelNames: ['requested_model'],
      registry,
    }),
    hedges: new LabelledCounter({
      name: 'rxllm_hedges_total',
      help: 'Hedges (DESIGN §12) by outcome: started, won (by the hedge or the attempt it raced), skipped_budget, skipped_no_deployment',
      labelNames: ['model_group', 'outcome'],
      registry,
    }),
    probes: new LabelledCounter({
      name: 'rxllm_probes_total',
      help: 'Calls to half-open deployments after a cooldown (DESIGN §12) by result: started, succeeded (the deployment takes all traffic again), failed (cooled again, longer)',
      labelNames: [...deployment, 'result'],
      registry,
    }),
  };
}

export type LitellmMetricSet = ReturnType<typeof litellmMetricSet>;
