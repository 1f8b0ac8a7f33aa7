import type { Deployment } from '../config/router-settings.js';
import { RequestTimeoutError } from '../errors/error-classes.js';
import type { AttemptRecord, RxllmError } from '../errors/rxllm-error.js';
import type { FallbackLists } from './fallback-targets.js';
import type { ParsedRequest } from './parse-request.js';

interface OpenAttempt {
  readonly deployment: Deployment;
  readonly startedAt: number;
}

/**
 * The bookkeeping of one call: the attempts it started, the groups it visited, its retry and
 * fallback counts. It lives as long as one subscription to `completion$`, so calls share nothing.
 *
 * Its lists are arrays, not Sets: they hold a handful of entries (one open attempt at a time), and
 * an open stream keeps its call's state for as long as it runs (bench/stream-memory.mjs).
 */
export class CallState {
  /** Model groups this call has entered, its own first. */
  readonly visited: string[];
  /** Deployments that failed in this call: retries prefer others while others remain. */
  readonly failed: string[] = [];
  readonly records: AttemptRecord[] = [];
  private readonly open: OpenAttempt[] = [];
  hops = 0;
  retriesInGroup = 0;
  maxRetriesInGroup: number | undefined;
  deadlineFired = false;
  committedTo: Deployment | undefined;
  /** When the attempt at `committedTo` started (router clock): the commit's upstream time is measured from it. */
  committedStartedAt: number | undefined;
  /** The deployment of the latest failed attempt: after a hedge race, the one whose error ended it. */
  lastFailed: Deployment | undefined;

  constructor(
    readonly id: number,
    readonly request: ParsedRequest,
    readonly fallbackLists: FallbackLists,
    readonly timeoutMs: number,
    readonly deadlineAt: number,
    /**
     * The deadline is the configuration's (router `timeout`), not a shorter one the request chose: only
     * then does an attempt it cuts count against its deployment (DESIGN §6).
     */
    readonly deadlineCounts: boolean,
  ) {
    this.visited = [request.group];
  }

  enterGroup(): void {
    this.retriesInGroup = 0;
    this.maxRetriesInGroup = undefined;
  }

  startAttempt(deployment: Deployment, at: number): OpenAttempt {
    const attempt = { deployment, startedAt: at };
    this.open.push(attempt);
    return attempt;
  }

  /** Records a failed attempt; returns false if it had already ended. */
  failAttempt(attempt: OpenAttempt, error: RxllmError, at: number): boolean {
    if (!this.closeAttempt(attempt)) return false;
    this.lastFailed = attempt.deployment;
    if (!this.failed.includes(attempt.deployment.id)) this.failed.push(attempt.deployment.id);
    this.records.push({
      deployment: attempt.deployment.id,
      group: attempt.deployment.group,
      code: error.code,
      status: error.status,
      durationMs: at - attempt.startedAt,
    });
    return true;
  }

  /**
   * Records an attempt that lost a hedge race (DESIGN §12): it ends as cancelled, not failed (the
   * deployment is not blamed, nor skipped by a retry), yet it was started and so is listed.
   */
  loseHedge(attempt: OpenAttempt, at: number): void {
    this.records.push({ deployment: attempt.deployment.id, group: attempt.deployment.group, code: 'hedge_lost', status: 499, durationMs: at - attempt.startedAt });
  }

  /** Deployments with an attempt of this call in flight: a hedge never goes to one of them. */
  inFlight(): string[] {
    return this.open.map((attempt) => attempt.deployment.id);
  }

  /** Ends an attempt without a record (success, or the caller went away); false if already ended. */
  closeAttempt(attempt: OpenAttempt): boolean {
    const index = this.open.indexOf(attempt);
    if (index === -1) return false;
    this.open.splice(index, 1);
    return true;
  }

  /** The deadline's error: every attempt so far, the ones it cut included. */
  deadlineError(at: number): RequestTimeoutError {
    this.deadlineFired = true;
    const cut = this.open.map((attempt) => ({
      deployment: attempt.deployment.id,
      group: attempt.deployment.group,
      code: 'deadline_exceeded',
      status: 408,
      durationMs: at - attempt.startedAt,
    }));
    return new RequestTimeoutError(`the call did not finish within its timeout of ${this.timeoutMs / 1000} s`, {
      code: 'deadline_exceeded',
      attempts: [...this.records, ...cut],
    });
  }

  /** The call's final error: the last error, with every attempt and the retry/fallback counts. */
  finalError(error: RxllmError): RxllmError {
    const attempts = error.attempts.length >= this.records.length ? error.attempts : this.records;
    const extra: Parameters<RxllmError['with']>[0] = {
      attempts: [...attempts],
      numRetries: this.retriesInGroup,
      attemptedFallbacks: this.hops,
    };
    if (this.maxRetriesInGroup !== undefined) extra.maxRetries = this.maxRetriesInGroup;
    return error.with(extra);
  }
}
