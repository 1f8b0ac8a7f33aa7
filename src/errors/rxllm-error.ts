import { withoutStackTraces } from './without-stack-traces.js';

/** The `type` values OpenAI puts in its error bodies. */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'timeout_error'
  | 'rate_limit_error'
  | 'api_connection_error'
  | 'server_error';

/** One attempt of a call at one deployment, as carried by the call's final error. */
export interface AttemptRecord {
  /** The deployment's `model_info.id`. */
  readonly deployment: string;
  /** The model group (`model_name`) the attempt belonged to. */
  readonly group: string;
  /** The attempt's error code (`first_chunk_timeout`, `rate_limit_exceeded`, ...). */
  readonly code: string;
  /** The attempt's error status (408, 429, ...). */
  readonly status: number;
  /** Milliseconds from the attempt's start to its end (scheduler time). */
  readonly durationMs: number;
}

/** The body OpenAI sends for an error: `{ "error": OpenAIErrorBody }`. */
export interface OpenAIErrorBody {
  message: string;
  type: OpenAIErrorType;
  param: string | null;
  code: string;
}

export interface RxllmErrorOptions {
  /** Overrides the class's status (e.g. an upstream 502 kept as an `InternalServerError`). */
  status?: number;
  code?: string;
  param?: string | null;
  cause?: unknown;
  /** Seconds the caller should wait before trying again (from `Retry-After`, or a cooldown's end). */
  retryAfter?: number;
  attempts?: readonly AttemptRecord[];
  /** Retries made in the group that failed last. */
  numRetries?: number;
  /** Retries allowed in that group. */
  maxRetries?: number;
  /** Fallback groups tried. */
  attemptedFallbacks?: number;
}

const brandPrefix = 'rxllm.error.';

/**
 * The base of every error rxllm produces: an OpenAI-compatible `status`, `type`, `code` and `param`,
 * plus the `attempts` that led to it. `instanceof` works across two installed copies of rxllm,
 * because it checks a brand rather than the prototype chain alone.
 *
 * @example
 * router.completion(req).catch((e) => { if (e instanceof RxllmError) res.status(e.status).json(e.toJSON()) })
 */
export class RxllmError extends Error {
  static readonly defaultStatus: number = 500;
  static readonly defaultType: OpenAIErrorType = 'server_error';
  static readonly defaultCode: string = 'internal_error';

  override readonly name: string = 'RxllmError';
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly retryAfter: number | undefined;
  readonly attempts: readonly AttemptRecord[];
  readonly numRetries: number | undefined;
  readonly maxRetries: number | undefined;
  readonly attemptedFallbacks: number | undefined;

  constructor(message: string, options: RxllmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const own = new.target as typeof RxllmError;
    this.name = own.name;
    this.status = options.status ?? own.defaultStatus;
    this.type = own.defaultType;
    this.code = options.code ?? own.defaultCode;
    this.param = options.param ?? null;
    this.retryAfter = options.retryAfter;
    this.attempts = options.attempts ?? [];
    this.numRetries = options.numRetries;
    this.maxRetries = options.maxRetries;
    this.attemptedFallbacks = options.attemptedFallbacks;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[Symbol.for(brandPrefix + this.name)] === true
    );
  }

  /** The same error with more context (the call's attempts, retry counts); the class is kept. */
  with(extra: RxllmErrorOptions): this {
    const Own = this.constructor as new (message: string, options: RxllmErrorOptions) => this;
    // The copy's stack is the original's; it captures none of its own, which would only be replaced.
    // A plain data property, not a getter that reads the original's lazily: V8 allocates a getter's
    // accessor pair in the old generation, and through it every final error and its original
    // outlived the scavenges they should have died in (bench/README.md, §3).
    const copy = withoutStackTraces(() => new Own(this.message, { ...this.options(), ...extra }));
    if (this.stack !== undefined) copy.stack = this.stack;
    return copy;
  }

  /** The `error` object of OpenAI's error body. */
  toOpenAIError(): OpenAIErrorBody {
    return { message: this.message, type: this.type, param: this.param, code: this.code };
  }

  toJSON(): { error: OpenAIErrorBody } {
    return { error: this.toOpenAIError() };
  }

  private options(): RxllmErrorOptions {
    const options: RxllmErrorOptions = {
      status: this.status,
      code: this.code,
      param: this.param,
      attempts: this.attempts,
    };
    if (this.cause !== undefined) options.cause = this.cause;
    if (this.retryAfter !== undefined) options.retryAfter = this.retryAfter;
    if (this.numRetries !== undefined) options.numRetries = this.numRetries;
    if (this.maxRetries !== undefined) options.maxRetries = this.maxRetries;
    if (this.attemptedFallbacks !== undefined) options.attemptedFallbacks = this.attemptedFallbacks;
    return options;
  }
}

/** Marks `Class.prototype` so `instanceof Class` holds for instances made by another copy of rxllm. */
export function brand(Class: { name: string; prototype: object }): void {
  Object.defineProperty(Class.prototype, Symbol.for(brandPrefix + Class.name), { value: true });
}

brand(RxllmError);
