/**
 * LiteLLM's latency buckets (seconds), so that `histogram_quantile` over rxllm's histograms gives
 * the same resolution as over LiteLLM's (its `LATENCY_BUCKETS`; `+Inf` is implicit in Prometheus).
 */
export const latencyBuckets: readonly number[] = [
  0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10, 15,
  20, 25, 30, 60, 120, 180, 240, 300,
];

/**
 * The Python client's default buckets, which LiteLLM's `litellm_deployment_latency_per_output_token`
 * uses (it passes none); prom-client's own defaults differ.
 */
export const pythonDefaultBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
