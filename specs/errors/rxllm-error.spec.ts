import { describe, expect, it } from 'vitest';
import { BadRequestError, ContextWindowExceededError, NoDeploymentsAvailableError, RateLimitError, RequestTimeoutError } from '../../src/errors/error-classes.js';
import { type AttemptRecord, RxllmError } from '../../src/errors/rxllm-error.js';

const attempt: AttemptRecord = { deployment: 'gpt-4o/0', group: 'gpt-4o', code: 'first_chunk_timeout', status: 408, durationMs: 5_000 };

describe('RxllmError', () => {
  it('is a 500 server_error internal_error by default', () => {
    expect(new RxllmError('boom')).toMatchObject({ name: 'RxllmError', status: 500, type: 'server_error', code: 'internal_error', param: null });
  });

  it('takes status, code, param, cause, retryAfter, attempts and retry counts from its options', () => {
    const cause = new Error('socket hang up');
    const error = new RateLimitError('slow down', {
      status: 429,
      code: 'tokens_exceeded',
      param: 'max_tokens',
      cause,
      retryAfter: 7,
      attempts: [attempt],
      numRetries: 2,
      maxRetries: 3,
      attemptedFallbacks: 1,
    });
    expect(error).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'tokens_exceeded',
      param: 'max_tokens',
      cause,
      retryAfter: 7,
      attempts: [attempt],
      numRetries: 2,
      maxRetries: 3,
      attemptedFallbacks: 1,
    });
  });

  it('has no cause property at all when none is given', () => {
    expect('cause' in new BadRequestError('x')).toBe(false);
  });

  describe('with', () => {
    it('returns a copy of the same class with the extra context, leaving the original as it was', () => {
      const original = new ContextWindowExceededError('too long', { param: 'messages' });
      const copy = original.with({ attempts: [attempt], numRetries: 1, maxRetries: 2, attemptedFallbacks: 3 });
      expect(copy).not.toBe(original);
      expect(copy).toBeInstanceOf(ContextWindowExceededError);
      expect(copy).toMatchObject({
        name: 'ContextWindowExceededError',
        message: 'too long',
        status: 400,
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
        attempts: [attempt],
        numRetries: 1,
        maxRetries: 2,
        attemptedFallbacks: 3,
      });
      expect(original.attempts).toEqual([]);
      expect(original.numRetries).toBeUndefined();
    });

    it('keeps a non-default status and code, the cause, retryAfter and the stack', () => {
      const cause = new Error('upstream');
      const original = new RequestTimeoutError('no first chunk', { code: 'first_chunk_timeout', cause });
      const limited = new NoDeploymentsAvailableError('all cooling', { retryAfter: 4 });
      expect(original.with({ numRetries: 0 })).toMatchObject({ code: 'first_chunk_timeout', status: 408, cause, stack: original.stack });
      expect(limited.with({ attempts: [] })).toMatchObject({ retryAfter: 4, code: 'no_deployments_available' });
      expect(limited.with({ attempts: [] })).toBeInstanceOf(NoDeploymentsAvailableError);
    });

    it("carries the original's trace (where it was thrown), not one of its own, and the stack stays settable", () => {
      function throwSite(): RequestTimeoutError {
        return new RequestTimeoutError('no first chunk', { code: 'first_chunk_timeout' });
      }
      const original = throwSite();
      const copy = original.with({ numRetries: 0 });
      expect(copy.stack).toBe(original.stack);
      expect(copy.stack).toContain('throwSite');
      expect(Object.keys(copy)).not.toContain('stack');
      copy.stack = 'replaced';
      expect(copy.stack).toBe('replaced');
      expect(original.stack).toContain('throwSite');
    });

    it("holds the stack as a plain value, not a getter (a getter's accessor pair would keep both errors alive through young-generation GCs)", () => {
      const copy = new BadRequestError('x').with({ numRetries: 1 });
      const descriptor = Object.getOwnPropertyDescriptor(copy, 'stack');
      expect(descriptor?.get).toBeUndefined();
      expect(typeof descriptor?.value).toBe('string');
    });

    it('leaves Error.stackTraceLimit as it was', () => {
      const before = Error.stackTraceLimit;
      new BadRequestError('x').with({ numRetries: 1 });
      expect(Error.stackTraceLimit).toBe(before);
    });

    it('lets the extra options override the kept ones', () => {
      expect(new RequestTimeoutError('x', { code: 'idle_timeout' }).with({ code: 'deadline_exceeded' }).code).toBe('deadline_exceeded');
    });
  });

  it('gives OpenAI\'s error object from toOpenAIError and the whole body from toJSON', () => {
    const error = new BadRequestError('messages: required', { param: 'messages', attempts: [attempt] });
    const body = { message: 'messages: required', type: 'invalid_request_error', param: 'messages', code: 'bad_request' };
    expect(error.toOpenAIError()).toEqual(body);
    expect(error.toJSON()).toEqual({ error: body });
    expect(JSON.stringify(error)).toBe(JSON.stringify({ error: body }));
  });

  describe('instanceof through the brand', () => {
    it('recognises an error made by a second copy of rxllm, whose prototype carries the brand', () => {
      const foreignPrototype = Object.create(Error.prototype, {
        [Symbol.for('rxllm.error.RateLimitError')]: { value: true },
        [Symbol.for('rxllm.error.RxllmError')]: { value: true },
      });
      const foreign: unknown = Object.assign(Object.create(foreignPrototype), { status: 429, code: 'rate_limit_exceeded' });
      expect(foreign instanceof RateLimitError).toBe(true);
      expect(foreign instanceof RxllmError).toBe(true);
      expect(foreign instanceof NoDeploymentsAvailableError).toBe(false);
      expect(foreign instanceof BadRequestError).toBe(false);
    });

    it('checks only the brand of the class asked about', () => {
      const foreign: unknown = Object.create({ [Symbol.for('rxllm.error.RateLimitError')]: true });
      expect(foreign instanceof RateLimitError).toBe(true);
      expect(foreign instanceof RxllmError).toBe(false);
    });

    it('is false for plain errors, look-alikes without the brand, and primitives', () => {
      expect(new Error('x') instanceof RxllmError).toBe(false);
      expect({ name: 'RateLimitError', status: 429 } instanceof RateLimitError).toBe(false);
      expect(Object.create({ [Symbol.for('rxllm.error.RateLimitError')]: 'yes' }) instanceof RateLimitError).toBe(false);
      expect((null as unknown) instanceof RxllmError).toBe(false);
      expect(('RateLimitError' as unknown) instanceof RateLimitError).toBe(false);
    });

    it('keeps the brand off the enumerable keys of an error', () => {
      expect(Object.getOwnPropertySymbols(new RateLimitError('x'))).toEqual([]);
      expect(Object.keys(Object.getPrototypeOf(new RateLimitError('x')) as object)).toEqual([]);
    });
  });
});
