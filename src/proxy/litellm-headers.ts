import type { OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { RxllmError } from '../errors/rxllm-error.js';
import type { CallInfo } from '../router/router-events.js';
import { formatSeconds } from '../policies/format-seconds.js';

/** What the headers of one request's answer need besides the call: its id and when it arrived. */
export interface HeaderRequest {
  /** `x-litellm-call-id`: the client's, or a fresh UUID (see `callIdOf`). */
  readonly callId?: string | undefined;
  /** `performance.now()` when the request arrived: `x-litellm-response-duration-ms` counts from it (none without). */
  readonly startedAt?: number | undefined;
}

/** Per deployment id, its `api_base` as a response may show it (credentials masked); none for mocks. */
export type ApiBases = ReadonlyMap<string, string>;

// Header values must be Latin-1 without control characters, or `writeHead` throws; a model group or
// deployment id is the user's string, so anything outside printable ASCII is percent-encoded.
const printable = /^[\x20-\x7e]*$/;

function headerValue(value: string): string {
  return printable.test(value) ? value : encodeURIComponent(value);
}

/** Milliseconds as LiteLLM writes them: a float, here to the microsecond. */
function ms(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * `x-litellm-response-duration-ms`: from the request's arrival to now (for a stream, now is the
 * commit, when the headers go out); `x-litellm-overhead-duration-ms`: that minus the time the
 * answering (or last) attempt spent upstream, never below 0.
 */
function addTiming(headers: OutgoingHttpHeaders, request: HeaderRequest, upstreamMs: number | undefined): void {
  if (request.startedAt === undefined) return;
  const duration = performance.now() - request.startedAt;
  headers['x-litellm-response-duration-ms'] = ms(duration);
  if (upstreamMs !== undefined) headers['x-litellm-overhead-duration-ms'] = ms(Math.max(0, duration - upstreamMs));
}

function addDeployment(headers: OutgoingHttpHeaders, id: string, group: string, apiBases: ApiBases): void {
  headers['x-litellm-model-id'] = headerValue(id);
  headers['x-litellm-model-group'] = headerValue(group);
  const apiBase = apiBases.get(id);
  if (apiBase !== undefined) headers['x-litellm-model-api-base'] = headerValue(apiBase);
}

/**
 * The `x-litellm-*` headers of an answered call: its id, which deployment of which group (and its
 * `api_base`, credentials masked), after how many retries (of how many allowed) and fallbacks, the
 * deadline, and where the time went.
 */
export function callHeaders(info: CallInfo, request: HeaderRequest, apiBases: ApiBases): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (request.callId !== undefined) headers['x-litellm-call-id'] = request.callId;
  addDeployment(headers, info.deployment, info.group, apiBases);
  headers['x-litellm-attempted-retries'] = String(info.attemptedRetries);
  headers['x-litellm-max-retries'] = String(info.maxRetries);
  headers['x-litellm-attempted-fallbacks'] = String(info.attemptedFallbacks);
  headers['x-litellm-timeout'] = formatSeconds(info.timeoutMs);
  addTiming(headers, request, info.upstreamMs);
  return headers;
}

/**
 * The `x-litellm-*` headers of a chat response no deployment was tried for: its id, no retries, no
 * fallbacks, the deadline, the time taken.
 */
export function untriedHeaders(timeoutMs: number, request?: HeaderRequest): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (request?.callId !== undefined) headers['x-litellm-call-id'] = request.callId;
  headers['x-litellm-attempted-retries'] = '0';
  headers['x-litellm-attempted-fallbacks'] = '0';
  headers['x-litellm-timeout'] = formatSeconds(timeoutMs);
  if (request !== undefined) addTiming(headers, request, undefined);
  return headers;
}

/**
 * The `x-litellm-*` headers of a failed call (or a chat request refused before the router saw it),
 * from the error's counts and the request's effective deadline. When an attempt was made, the
 * deployment headers name the last one, `x-litellm-max-retries` is what its group allowed, and the
 * overhead is measured against that attempt's time upstream.
 */
export function errorHeaders(error: RxllmError, timeoutMs: number, request?: HeaderRequest, apiBases?: ApiBases): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (request?.callId !== undefined) headers['x-litellm-call-id'] = request.callId;
  headers['x-litellm-attempted-retries'] = String(error.numRetries ?? 0);
  if (error.maxRetries !== undefined) headers['x-litellm-max-retries'] = String(error.maxRetries);
  headers['x-litellm-attempted-fallbacks'] = String(error.attemptedFallbacks ?? 0);
  headers['x-litellm-timeout'] = formatSeconds(timeoutMs);
  const last = error.attempts[error.attempts.length - 1];
  if (last !== undefined) {
    if (apiBases === undefined) headers['x-litellm-model-id'] = headerValue(last.deployment);
    else addDeployment(headers, last.deployment, last.group, apiBases);
  }
  if (request !== undefined) addTiming(headers, request, last?.durationMs);
  return headers;
}
