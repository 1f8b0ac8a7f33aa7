import type { OutgoingHttpHeaders } from 'node:http';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { CallInfo } from '../router/router-events.js';
import { formatSeconds } from '../policies/format-seconds.js';

/** The `x-litellm-*` headers of an answered call: which deployment, after how many retries and fallbacks. */
export function callHeaders(info: CallInfo): OutgoingHttpHeaders {
  return {
    'x-litellm-model-id': info.deployment,
    'x-litellm-attempted-retries': String(info.attemptedRetries),
    'x-litellm-attempted-fallbacks': String(info.attemptedFallbacks),
    'x-litellm-timeout': formatSeconds(info.timeoutMs),
  };
}

/** The `x-litellm-*` headers of a chat response no deployment was tried for: no retries, no fallbacks, the deadline. */
export function untriedHeaders(timeoutMs: number): OutgoingHttpHeaders {
  return {
    'x-litellm-attempted-retries': '0',
    'x-litellm-attempted-fallbacks': '0',
    'x-litellm-timeout': formatSeconds(timeoutMs),
  };
}

/**
 * The `x-litellm-*` headers of a failed call (or a chat request refused before the router saw it),
 * from the error's counts and the request's effective deadline; `x-litellm-model-id` names the
 * deployment of the last attempt, when there was one.
 */
export function errorHeaders(error: RxllmError, timeoutMs: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-litellm-attempted-retries': String(error.numRetries ?? 0),
    'x-litellm-attempted-fallbacks': String(error.attemptedFallbacks ?? 0),
    'x-litellm-timeout': formatSeconds(timeoutMs),
  };
  const last = error.attempts[error.attempts.length - 1];
  if (last !== undefined) headers['x-litellm-model-id'] = last.deployment;
  return headers;
}
