/**
 * The `exception_class` label of a failure: the name of the rxllm error class its status and code
 * stand for (the same classes as LiteLLM's and OpenAI's: `RateLimitError`, `RequestTimeoutError`...).
 * Events carry status and code only; the mapping is the one `toRxllmError` applies.
 */
export function exceptionClass(status: number, code: string): string {
  switch (status) {
    case 400:
      if (code === 'context_length_exceeded') return 'ContextWindowExceededError';
      if (code === 'content_policy_violation') return 'ContentPolicyViolationError';
      return 'BadRequestError';
    case 401:
      return 'AuthenticationError';
    case 403:
      return 'PermissionDeniedError';
    case 404:
      return 'NotFoundError';
    case 408:
      return 'RequestTimeoutError';
    case 409:
      return 'ConflictError';
    case 422:
      return 'UnprocessableEntityError';
    case 429:
      return code === 'no_deployments_available' ? 'NoDeploymentsAvailableError' : 'RateLimitError';
    case 502:
      return 'APIConnectionError';
    case 503:
      return 'ServiceUnavailableError';
  }
  if (status >= 400 && status < 500) return 'UpstreamClientError';
  return 'InternalServerError';
}
