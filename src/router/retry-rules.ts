import type { RetryPolicy } from '../config/router-config-schema.js';
import {
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  UnprocessableEntityError,
} from '../errors/error-classes.js';
import { RxllmError } from '../errors/rxllm-error.js';

/** The `retry_policy` key for an error's class, as LiteLLM names them. */
export function retryPolicyKey(error: unknown): keyof RetryPolicy | undefined {
  if (error instanceof ContentPolicyViolationError) return 'ContentPolicyViolationErrorRetries';
  if (error instanceof BadRequestError) return 'BadRequestErrorRetries';
  if (error instanceof AuthenticationError) return 'AuthenticationErrorRetries';
  if (error instanceof RequestTimeoutError) return 'TimeoutErrorRetries';
  if (error instanceof RateLimitError) return 'RateLimitErrorRetries';
  if (error instanceof InternalServerError) return 'InternalServerErrorRetries';
  return undefined;
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
 * Whether an error may be retried within its group at all (DESIGN §4). Never: 400, 403, 404, 422,
 * a 401 in a one-deployment group, a context-window / content-policy error that has its own fallback
 * list, and anything rxllm did not classify. An explicit `retry_policy` entry for a 400 or 401 class
 * (e.g. `BadRequestErrorRetries: 1`) is the user opting in, and is honoured.
 */
export function isRetryable(error: unknown, context: RetryContext): boolean {
  if (!(error instanceof RxllmError)) return false;
  if (context.hasSpecificFallbacks) return false;
  const key = retryPolicyKey(error);
  const optedIn = key !== undefined && (context.retryPolicy?.[key] ?? 0) > 0;
  if (error instanceof BadRequestError) return optedIn;
  if (error instanceof AuthenticationError) return context.groupSize > 1 || optedIn;
  if (error instanceof PermissionDeniedError || error instanceof NotFoundError || error instanceof UnprocessableEntityError) {
    return false;
  }
  return true;
}
