import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from '../errors/error-classes.js';

/** How a failed attempt reflects on a deployment's health; plain data so messages stay serialisable. */
export type FailureKind =
  | 'rate_limit'
  | 'authentication'
  | 'not_found'
  | 'timeout'
  | 'server'
  | 'connection'
  | 'bad_request'
  | 'content_policy'
  | 'permission'
  | 'unprocessable'
  /** A 409, or another 4xx without a class: retried, in the failure window, never cools on its own. */
  | 'other';

export function failureKind(error: unknown): FailureKind {
  if (error instanceof RateLimitError) return 'rate_limit';
  if (error instanceof AuthenticationError) return 'authentication';
  if (error instanceof NotFoundError) return 'not_found';
  if (error instanceof RequestTimeoutError) return 'timeout';
  if (error instanceof APIConnectionError) return 'connection';
  if (error instanceof InternalServerError || error instanceof ServiceUnavailableError) return 'server';
  if (error instanceof ContentPolicyViolationError) return 'content_policy';
  if (error instanceof BadRequestError) return 'bad_request';
  if (error instanceof PermissionDeniedError) return 'permission';
  if (error instanceof UnprocessableEntityError) return 'unprocessable';
  return 'other';
}

/** Kinds that say nothing about the deployment (the request was wrong): never counted, never cooled. */
export const clientFault: ReadonlySet<FailureKind> = new Set(['bad_request', 'content_policy', 'permission', 'unprocessable']);
