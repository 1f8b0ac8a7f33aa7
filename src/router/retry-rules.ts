import type { RetryPolicy } from '../config/router-config-schema.js';
import { type FailureKind, failureKind } from '../deployments/failure-kind.js';
import { RxllmError } from '../errors/rxllm-error.js';

// Errors are classified once (`failureKind`, shared with the cooldown rules), so that `retry_policy`
// and `allowed_fails_policy` always agree on which class an error belongs to (a 503 is a server error
// for both).
const policyKeys: Partial<Record<FailureKind, keyof RetryPolicy>> = {
  content_policy: 'ContentPolicyViolationErrorRetries',
  bad_request: 'BadRequestErrorRetries',
  authentication: 'AuthenticationErrorRetries',
  timeout: 'TimeoutErrorRetries',
  rate_limit: 'RateLimitErrorRetries',
  server: 'InternalServerErrorRetries',
};

/** The `retry_policy` key for an error's class, as LiteLLM names them. */
export function retryPolicyKey(error: unknown): keyof RetryPolicy | undefined {
  return policyKeys[failureKind(error)];
}

export interface RetrySources {
  readonly requestNumRetries: number | undefined;
  /** `model_group_retry_policy[group]`, else `retry_policy`. */
  readonly retryPolicy: RetryPolicy | undefined;
  readonly deploymentNumRetries: number | undefined;
  readonly routerNumRetries: number;
}

/**
 * Retries allowed after `error` (DESIGN §4): request `num_retries` > the retry policy's entry for the
 * error's class > deployment `num_retries` > router `num_retries` (default 2).
 */
export function allowedRetries(error: unknown, sources: RetrySources): number {
  if (sources.requestNumRetries !== undefined) return sources.requestNumRetries;
  const key = retryPolicyKey(error);
  const fromPolicy = key === undefined ? undefined : sources.retryPolicy?.[key];
  return fromPolicy ?? sources.deploymentNumRetries ?? sources.routerNumRetries;
}

export interface RetryContext {
  /** How many deployments the group has. */
  readonly groupSize: number;
  /** A context-window / content-policy list of its own exists for this group and error. */
  readonly hasSpecificFallbacks: boolean;
  readonly retryPolicy: RetryPolicy | undefined;
}

/**
 * Whether an error may be retried within its group at all (DESIGN §4). Never: 400, 403, 404, 413,
 * 422, a 401 in a one-deployment group, a context-window / content-policy error that has its own
 * fallback list, and a thrown value that is not an `RxllmError`. Everything else is: 408, 409, 429,
 * 5xx, connection errors, timeouts, and any 4xx without a class of its own. An explicit `retry_policy` entry for a 400 or 401 class
 * (e.g. `BadRequestErrorRetries: 1`) is the user opting in, and is honoured.
 */
export function isRetryable(error: unknown, context: RetryContext): boolean {
  if (!(error instanceof RxllmError)) return false;
  if (context.hasSpecificFallbacks) return false;
  const kind = failureKind(error);
  const key = policyKeys[kind];
  const optedIn = key !== undefined && (context.retryPolicy?.[key] ?? 0) > 0;
  switch (kind) {
    case 'bad_request':
    case 'content_policy':
      return optedIn;
    case 'authentication':
      return context.groupSize > 1 || optedIn;
    case 'permission':
    case 'not_found':
    case 'unprocessable':
      return false;
    default:
      return true;
  }
}
