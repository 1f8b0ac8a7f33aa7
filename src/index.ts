// rxllm's public API. Everything a user may import is listed here, by name; the rest is internal.
// specs/index.spec.ts pins this list so that adding or removing a public name is deliberate.

// The router
export { Router } from './router/router.js';
export type { RouterOptions, CallOptions, PromiseCallOptions } from './router/router.js';
export type { RouterEvent, CallInfo } from './router/router-events.js';

// Health probes
export { probeDeployments } from './health/probe-deployments.js';
export type { HealthReport, DeploymentProbe, ProbeOptions } from './health/health-report.js';

// Configuration
export { parseRouterConfig } from './config/parse-router-config.js';
export { routerConfigSchema, deploymentSchema, routingStrategies } from './config/router-config-schema.js';
export type { RouterConfig, DeploymentConfig, DeploymentMode, RetryPolicy, AllowedFailsPolicy, RoutingStrategyName } from './config/router-config-schema.js';
export type { Deployment, RouterSettings } from './config/router-settings.js';
export { loadConfigFile as loadConfig } from './config/load-config-file.js';
export type { ProxyConfig } from './config/parse-proxy-config.js';

// The proxy, embedded
export { startProxy } from './proxy/start-proxy.js';
export type { StartProxyOptions, RunningProxy } from './proxy/start-proxy.js';
export type { AwsCredentials } from './config/bedrock-auth.js';

// Observability (DESIGN §11)
export { routerMetrics } from './observability/metrics/router-metrics.js';
export type { RouterMetrics, RouterMetricsOptions } from './observability/metrics/router-metrics.js';
export { traceRouter } from './observability/tracing/trace-router.js';

// Errors
export { RxllmError } from './errors/rxllm-error.js';
export type { AttemptRecord, OpenAIErrorBody, OpenAIErrorType, RxllmErrorOptions } from './errors/rxllm-error.js';
export {
  BadRequestError,
  ContextWindowExceededError,
  ContentPolicyViolationError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RequestTimeoutError,
  ConflictError,
  UnprocessableEntityError,
  UpstreamClientError,
  RateLimitError,
  NoDeploymentsAvailableError,
  InternalServerError,
  APIConnectionError,
  ServiceUnavailableError,
} from './errors/error-classes.js';
export { ConfigError } from './errors/config-error.js';
export type { ConfigIssue } from './errors/config-error.js';
export { toRxllmError } from './errors/to-rxllm-error.js';
export { errorFromStatus } from './errors/error-from-status.js';

// Policies (operators; milliseconds, as RxJS)
export { firstChunkTimeout } from './policies/first-chunk-timeout.js';
export type { FirstChunkTimeoutOptions } from './policies/first-chunk-timeout.js';
export { idleTimeout } from './policies/idle-timeout.js';
export type { IdleTimeoutOptions } from './policies/idle-timeout.js';
export { attemptTimeout } from './policies/attempt-timeout.js';
export type { AttemptTimeoutOptions } from './policies/attempt-timeout.js';
export { deadline } from './policies/deadline.js';
export type { DeadlineOptions } from './policies/deadline.js';
export { holdUntilContent } from './policies/hold-until-content.js';
export { streamTimeouts } from './policies/stream-timeouts.js';
export type { StreamTimeoutsOptions } from './policies/stream-timeouts.js';
export { retryWithBackoff } from './policies/retry-with-backoff.js';
export type { RetryWithBackoffOptions, RetryEvent } from './policies/retry-with-backoff.js';
export { exponentialBackoff } from './policies/backoff.js';
export type { BackoffOptions } from './policies/backoff.js';
export { fallback } from './policies/fallback.js';
export type { FallbackOptions } from './policies/fallback.js';
export { hedge } from './policies/hedge.js';
export type { HedgeOptions } from './policies/hedge.js';

// Deployments and routing
export type { DeploymentState, HalfOpen, HealthBucket, LatencySample } from './deployments/deployment-state.js';
export type { DeploymentMessage } from './deployments/deployment-message.js';
export type { DeploymentActorSpec, DeploymentStore, DeploymentStoreFactory, DeploymentTransition } from './deployments/deployment-store.js';
export type { DeploymentReducer } from './deployments/reduce-deployment.js';
export { createRedisDeploymentStore, redisDeploymentStore } from './deployments/redis/create-redis-deployment-store.js';
export type { RedisStoreLog, RedisStoreOptions } from './deployments/redis/redis-store-options.js';
export type { RoutingStrategy, RoutingContext } from './routing/routing-strategy.js';
export { simpleShuffle } from './routing/simple-shuffle.js';
export { leastBusy } from './routing/least-busy.js';
export { latencyBasedRouting } from './routing/latency-based-routing.js';
export { usageBasedRoutingV2 } from './routing/usage-based-routing-v2.js';
export { costBasedRouting } from './routing/cost-based-routing.js';

// Protocol
export { isContentChunk } from './protocol/is-content-chunk.js';
export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChoice,
  ChatCompletionChunkChoice,
  ChatCompletionDelta,
  ChatCompletionMessage,
  ChatCompletionRequest,
  ChatMessage,
  ChatRole,
  FallbackEntry,
  NonStreamingRouterRequest,
  RouterRequest,
  RouterRequestExtras,
  StreamingRouterRequest,
  Usage,
} from './protocol/chat.js';
export type { TextCompletion, TextCompletionChoice, TextCompletionRequest, TextRouterRequest } from './protocol/text-completion.js';
export type { Embedding, EmbeddingRequest, EmbeddingResponse, EmbeddingRouterRequest, EmbeddingUsage } from './protocol/embedding.js';
export { isTextContent } from './protocol/is-text-content.js';
export type { CallKindName, CallOutput } from './router/call-kind.js';

// Providers
export type { Provider, ProviderRequest } from './providers/provider.js';
export { createOpenAICompatibleProvider } from './providers/openai-compatible.js';
export type { OpenAICompatibleProviderOptions } from './providers/openai-compatible.js';
export { createHttpProvider } from './providers/http-provider.js';
export type { HttpProviderOptions } from './providers/http-provider.js';
