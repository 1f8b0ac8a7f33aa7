import { withField } from './logfmt.js';

/**
 * What one request did, filled in as it goes; logged once when its response closes.
 *
 * A class rather than an object literal: V8 may decide, from the first seconds of load, to allocate
 * a literal that lives as long as its request straight in the old generation ("pretenuring"), and
 * then every value written into it later stays alive until a full GC. Under the bench's load it did
 * so for 93% of these records as literals, and for none as instances (bench/README.md, "GC").
 */
export class RequestRecord {
  /** The requested model group. */
  model?: string | undefined = undefined;
  /** The deployment that answered (or failed last). */
  deployment?: string | undefined = undefined;
  stream?: boolean | undefined = undefined;
  /** Upstream attempts started, when known. */
  attempts?: number | undefined = undefined;
  retries?: number | undefined = undefined;
  fallbacks?: number | undefined = undefined;
  /** The error's code (`first_chunk_timeout`, `model_not_found`, ...). */
  error?: string | undefined = undefined;
  /** `x-litellm-call-id` of a call route (not logged). */
  callId?: string | undefined = undefined;
  /** `performance.now()` when the request arrived: the response headers' durations count from it. */
  startedAt?: number | undefined = undefined;

  constructor(
    readonly method: string,
    /** The path without its query string (a query may hold anything; it is not logged). */
    readonly path: string,
  ) {}
}

/** What happened to the response. */
export interface ResponseOutcome {
  /** The status sent; 499 when the client left before any was sent (nginx's convention). */
  readonly status: number;
  readonly durationMs: number;
  /** The client closed the connection before the response was complete. */
  readonly clientClosed: boolean;
}

let isoTimeMs = Number.NaN;
let isoTime = '';

/** `new Date().toISOString()`, made once per millisecond: a busy proxy logs many requests in each one. */
function isoTimeNow(): string {
  const now = Date.now();
  if (now !== isoTimeMs) {
    isoTimeMs = now;
    isoTime = new Date(now).toISOString();
  }
  return isoTime;
}

/**
 * One request as one logfmt line: method, path, model, deployment, status, duration, attempts,
 * retries, fallbacks and error code. Never headers or bodies, so no key or prompt reaches the log.
 *
 * @example
 * // time=2026-01-01T00:00:00.000Z level=info msg=request method=POST path=/v1/chat/completions model=gpt-4o
 * //   deployment=gpt-4o/0 status=200 duration_ms=812.4 attempts=2 retries=1 fallbacks=0 stream=true
 */
export function formatRequestLog(record: RequestRecord, outcome: ResponseOutcome): string {
  const { status } = outcome;
  // A stream that failed after its first chunk went out with a 200: still a failure worth a warning.
  const level = status >= 500 ? 'error' : status >= 400 || record.error !== undefined ? 'warn' : 'info';
  // Written on every request: field by field, with no object of the fields first. The first three
  // values never need quoting.
  let line = `time=${isoTimeNow()} level=${level} msg=request`;
  line = withField(line, 'method', record.method);
  line = withField(line, 'path', record.path);
  line = withField(line, 'model', record.model);
  line = withField(line, 'deployment', record.deployment);
  line = withField(line, 'status', status);
  line = withField(line, 'duration_ms', Math.round(outcome.durationMs * 10) / 10);
  line = withField(line, 'attempts', record.attempts);
  line = withField(line, 'retries', record.retries);
  line = withField(line, 'fallbacks', record.fallbacks);
  line = withField(line, 'stream', record.stream);
  line = withField(line, 'error', record.error);
  return withField(line, 'client_closed', outcome.clientClosed ? true : undefined);
}
