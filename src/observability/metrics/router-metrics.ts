import { Registry } from 'prom-client';
import { take } from 'rxjs';
import type { DeploymentState } from '../../deployments/deployment-state.js';
import type { Router } from '../../router/router.js';
import type { RouterEvent } from '../../router/router-events.js';
import { type DeploymentLabels, deploymentLabels } from './deployment-labels.js';
import { exceptionClass } from './exception-class.js';
import type { CounterSeries, HistogramSeries } from './labelled-series.js';
import { litellmMetricSet } from './litellm-metric-set.js';

export interface RouterMetricsOptions {
  /**
   * What `litellm_in_flight_requests` reports at a scrape. Default: the upstream attempts in flight,
   * summed over `router.deployments$`. The proxy passes its HTTP requests in flight, as LiteLLM counts.
   */
  readonly inFlight?: () => number;
}

/** A Prometheus registry kept up to date from one router's events. */
export interface RouterMetrics {
  /** rxllm's own registry (never prom-client's global one): merge it with yours if you like. */
  readonly registry: Registry;
  /** The exposition format's `content-type`. */
  readonly contentType: string;
  /** Every series in Prometheus text format, as `GET /metrics` answers. */
  text(): Promise<string>;
  /**
   * One proxy request to a call route answered (`litellm_proxy_total_requests_metric`, and
   * `litellm_proxy_failed_requests_metric` for a status ≥ 400): what the router cannot see, such as
   * a body refused before it reached the router or a client that went away (499).
   */
  recordRequest(route: string, requestedModel: string | undefined, status: number, code: string | undefined): void;
  /** Stops listening to the router; the series keep their values. */
  close(): void;
}

/**
 * What the metrics keep of one deployment: its label objects, made once, its series (made on first
 * use, then updated with no lookup), and its last outcome.
 */
class DeploymentRecord {
  readonly groupLabels: DeploymentLabels & { readonly requested_model: string };
  readonly apiLabels: { readonly model: string; readonly requested_model: string; readonly model_id: string };
  readonly overheadLabels: DeploymentLabels & { readonly model_group: string };
  success: CounterSeries | undefined;
  total: CounterSeries | undefined;
  llmApiLatency: HistogramSeries | undefined;
  timeToFirstToken: HistogramSeries | undefined;
  requestTotalLatency: HistogramSeries | undefined;
  latencyPerOutputToken: HistogramSeries | undefined;
  overhead: HistogramSeries | undefined;
  /** Its last counted attempt failed: `litellm_deployment_state` 1 (partial outage) unless cooling. */
  partial = false;
  /** The status of its last failure: the `exception_status` of the cooldown that may follow. */
  lastFailureStatus = '';

  constructor(
    readonly model: string,
    readonly group: string,
    readonly labels: DeploymentLabels,
  ) {
    // `requested_model` is the deployment's group, as LiteLLM's `model_group` in these series.
    this.groupLabels = { requested_model: group, ...labels };
    this.apiLabels = { model, requested_model: group, model_id: labels.model_id };
    this.overheadLabels = { model_group: group, ...labels };
  }
}

interface FailureCause {
  readonly status: string;
  readonly class: string;
}

/** The fallbacks one call took, with the failure that sent it to the first one. */
interface CallFallbacks {
  readonly cause: FailureCause;
  readonly targets: string[];
}

const timeoutKinds: Readonly<Record<string, string>> = {
  first_chunk_timeout: 'first_chunk',
  idle_timeout: 'idle',
  attempt_timeout: 'attempt',
};

/**
 * Prometheus metrics for a router, with LiteLLM's names and labels (DESIGN §11), fed only by
 * `router.events$` (and `router.deployments$` read at scrape time): nothing is counted twice on the
 * call path, and a router nobody measures pays nothing. The series:
 * `litellm_deployment_state`, `litellm_deployment_success_responses`,
 * `litellm_deployment_failure_responses`, `litellm_deployment_total_requests`,
 * `litellm_deployment_cooled_down`, `litellm_deployment_successful_fallbacks`,
 * `litellm_deployment_failed_fallbacks`, `litellm_deployment_latency_per_output_token`,
 * `litellm_llm_api_latency_metric`, `litellm_llm_api_time_to_first_token_metric`,
 * `litellm_request_total_latency_metric`, `litellm_overhead_latency_metric`,
 * `litellm_in_flight_requests`, `litellm_proxy_total_requests_metric`,
 * `litellm_proxy_failed_requests_metric`, plus `rxllm_timeouts_total{kind}`,
 * `rxllm_stream_errors_after_commit_total`, `rxllm_hedges_total{outcome}` and `rxllm_probes_total{result}`.
 *
 * @example
 * const metrics = routerMetrics(router);
 * http.createServer(async (req, res) => {
 *   res.writeHead(200, { 'content-type': metrics.contentType }).end(await metrics.text());
 * });
 */
export function routerMetrics(router: Router, options: RouterMetricsOptions = {}): RouterMetrics {
  const registry = new Registry();
  const deployments = new Map<string, DeploymentRecord>();
  for (const deployment of router.settings.deployments) {
    deployments.set(deployment.id, new DeploymentRecord(deployment.model, deployment.group, deploymentLabels(deployment)));
  }

  /** The deployments' states now: `deployments$` replays the current map on subscription. */
  const snapshot = (): ReadonlyMap<string, DeploymentState> => {
    let states: ReadonlyMap<string, DeploymentState> = new Map();
    router.deployments$.pipe(take(1)).subscribe((value) => (states = value));
    return states;
  };

  const set = litellmMetricSet(registry, {
    deploymentState: () => {
      const states = snapshot();
      for (const [id, record] of deployments) {
        const state = states.get(id);
        const cooling = state?.cooldownUntil !== undefined;
        // Half-open (on probation after a cooldown, DESIGN §12) is a partial outage until a probe succeeds.
        set.deploymentState.set(record.labels, cooling ? 2 : record.partial || state?.halfOpen !== undefined ? 1 : 0);
      }
    },
    inFlight: () => {
      let count = 0;
      if (options.inFlight !== undefined) count = options.inFlight();
      else for (const state of snapshot().values()) count += state.inFlight;
      set.inFlightRequests.set(count);
    },
  });

  // Per call, only while it runs and only for calls that failed an attempt: the failure a fallback follows.
  const lastFailure = new Map<number, FailureCause>();
  const fallbacks = new Map<number, CallFallbacks>();

  const countFallbacks = (call: number, requestedGroup: string, answeredBy: string | undefined): void => {
    const taken = fallbacks.get(call);
    if (taken === undefined) return;
    for (const target of taken.targets) {
      const labels = {
        requested_model: requestedGroup,
        fallback_model: target,
        exception_status: taken.cause.status,
        exception_class: taken.cause.class,
      };
      (target === answeredBy ? set.successfulFallbacks : set.failedFallbacks).of(labels).value += 1;
    }
  };

  const endCall = (call: number): void => {
    if (lastFailure.size > 0) lastFailure.delete(call);
    if (fallbacks.size > 0) fallbacks.delete(call);
  };

  const onEvent = (event: RouterEvent): void => {
    switch (event.type) {
      case 'attemptSucceeded': {
        const record = deployments.get(event.deployment);
        if (record === undefined) return;
        record.partial = false;
        (record.success ??= set.successResponses.of(record.groupLabels)).value += 1;
        (record.total ??= set.totalRequests.of(record.groupLabels)).value += 1;
        return;
      }
      case 'attemptFailed': {
        const record = deployments.get(event.deployment);
        if (record === undefined) return;
        const status = String(event.status);
        const cause = { status, class: exceptionClass(event.status, event.code) };
        if (event.counted) record.partial = true;
        record.lastFailureStatus = status;
        lastFailure.set(event.call, cause);
        set.failureResponses.of({ ...record.groupLabels, exception_status: cause.status, exception_class: cause.class }).value += 1;
        (record.total ??= set.totalRequests.of(record.groupLabels)).value += 1;
        const kind = timeoutKinds[event.code];
        if (kind !== undefined) set.timeouts.of({ kind }).value += 1;
        return;
      }
      case 'cooldownStarted': {
        const record = deployments.get(event.deployment);
        if (record !== undefined) set.cooledDown.of({ ...record.labels, exception_status: record.lastFailureStatus }).value += 1;
        return;
      }
      case 'fallback': {
        let taken = fallbacks.get(event.call);
        if (taken === undefined) {
          taken = { cause: lastFailure.get(event.call) ?? { status: '', class: '' }, targets: [] };
          fallbacks.set(event.call, taken);
        }
        taken.targets.push(event.to);
        return;
      }
      case 'callSucceeded': {
        const record = deployments.get(event.deployment);
        if (record === undefined) return;
        // After a fallback the group asked for is not the deployment's: a series of its own (rare).
        const total =
          event.requestedGroup === record.group
            ? (record.requestTotalLatency ??= set.requestTotalLatency.of(record.apiLabels))
            : set.requestTotalLatency.of({ ...record.apiLabels, requested_model: event.requestedGroup });
        total.observe(event.latencyMs / 1000);
        (record.llmApiLatency ??= set.llmApiLatency.of(record.apiLabels)).observe(event.upstreamMs / 1000);
        if (event.ttftMs !== undefined) (record.timeToFirstToken ??= set.timeToFirstToken.of(record.apiLabels)).observe(event.ttftMs / 1000);
        if (event.outputTokens !== undefined && event.outputTokens > 0) {
          (record.latencyPerOutputToken ??= set.latencyPerOutputToken.of(record.labels)).observe(event.upstreamMs / 1000 / event.outputTokens);
        }
        (record.overhead ??= set.overheadLatency.of(record.overheadLabels)).observe(Math.max(0, event.latencyMs - event.upstreamMs) / 1000);
        if (event.fallbacks > 0) countFallbacks(event.call, event.requestedGroup, event.group);
        endCall(event.call);
        return;
      }
      case 'callFailed':
        if (event.code === 'deadline_exceeded') set.timeouts.of({ kind: 'deadline' }).value += 1;
        if (event.committed) set.streamErrorsAfterCommit.of({ requested_model: event.requestedGroup }).value += 1;
        if (event.fallbacks > 0) countFallbacks(event.call, event.requestedGroup, undefined);
        endCall(event.call);
        return;
      case 'callCancelled':
        endCall(event.call);
        return;
      case 'hedgeStarted':
        set.hedges.of({ model_group: event.group, outcome: 'started' }).value += 1;
        return;
      case 'hedgeWon':
        set.hedges.of({ model_group: event.group, outcome: 'won' }).value += 1;
        return;
      case 'hedgeSkipped':
        set.hedges.of({ model_group: event.group, outcome: `skipped_${event.reason}` }).value += 1;
        return;
      case 'probeStarted':
      case 'probeSucceeded':
      case 'probeFailed': {
        const record = deployments.get(event.deployment);
        const result = event.type === 'probeStarted' ? 'started' : event.type === 'probeSucceeded' ? 'succeeded' : 'failed';
        if (record !== undefined) set.probes.of({ ...record.labels, result }).value += 1;
        return;
      }
      default:
        return;
    }
  };

  const subscription = router.events$.subscribe(onEvent);
  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    recordRequest(route, requestedModel, status, code) {
      const requested_model = requestedModel ?? '';
      set.proxyTotalRequests.of({ requested_model, status_code: String(status), route }).value += 1;
      if (status >= 400) {
        set.proxyFailedRequests.of({
          requested_model,
          exception_status: String(status),
          exception_class: exceptionClass(status, code ?? ''),
          route,
        }).value += 1;
      }
    },
    close: () => subscription.unsubscribe(),
  };
}
