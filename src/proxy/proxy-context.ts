import type { RouterMetrics } from '../observability/metrics/router-metrics.js';
import type { Router } from '../router/router.js';
import type { ActiveRequests } from './active-requests.js';
import type { BearerCheck } from './bearer-auth.js';
import type { ApiBases } from './litellm-headers.js';
import type { BackgroundHealthChecks } from './background-health-checks.js';

/** What every request handler of one proxy server shares. */
export interface ProxyContext {
  readonly router: Router;
  /** Undefined when no `master_key` is configured: auth is off. */
  readonly checkKey: BearerCheck | undefined;
  readonly maxRequestSizeBytes: number;
  readonly log: (line: string) => void;
  /** `GET /v1/models`, serialised once. */
  readonly modelsBody: string;
  /** When the proxy started (Unix seconds): the `created` of its model objects. */
  readonly startedAt: number;
  /** Each deployment's `api_base` as `x-litellm-model-api-base` shows it (credentials masked), made once. */
  readonly apiBases: ApiBases;
  /** `general_settings.background_health_checks`: the rounds `GET /health` serves; undefined when off. */
  readonly healthChecks: BackgroundHealthChecks | undefined;
  /** Requests whose response has not closed yet. */
  readonly active: ActiveRequests;
  /** `GET /metrics`'s registry; undefined when metrics are off (the route is then 404). */
  readonly metrics: RouterMetrics | undefined;
  /** `/metrics` needs the master key too (LiteLLM's `require_auth_for_metrics_endpoint`; open by default). */
  readonly metricsNeedKey: boolean;
  /** Set by a graceful shutdown: new calls get 503. */
  draining: boolean;
  /** Run once when the graceful shutdown starts: long-lived streams that are not calls (the live view) end then. */
  readonly drainListeners: Set<() => void>;
}
