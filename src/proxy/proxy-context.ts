import type { RxllmError } from '../errors/rxllm-error.js';
import type { Router } from '../router/router.js';
import type { BearerCheck } from './bearer-auth.js';

/** A request being served; the drain ends it with `abort` when in-flight calls run out of time. */
export interface ActiveRequest {
  /** Stops the call (aborting the upstream request) and ends the response with `error`. */
  abort(error: RxllmError): void;
  /**
   * Run first when the response closes (answered, or the client left): stops a call still running.
   * One 'close' listener per request serves both this and the log line.
   */
  onClose?: (() => void) | undefined;
}

/** What every request handler of one proxy server shares. */
export interface ProxyContext {
  readonly router: Router;
  /** Undefined when no `master_key` is configured: auth is off. */
  readonly checkKey: BearerCheck | undefined;
  readonly maxRequestSizeBytes: number;
  readonly log: (line: string) => void;
  /** `GET /v1/models`, serialised once. */
  readonly modelsBody: string;
  /** Requests whose response has not closed yet. */
  readonly active: Set<ActiveRequest>;
  /** Set by a graceful shutdown: new calls get 503. */
  draining: boolean;
}
