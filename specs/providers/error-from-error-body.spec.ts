import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InternalServerError,
  RateLimitError,
} from '../../src/errors/error-classes.js';
import { errorFromErrorBody, isErrorBody } from '../../src/providers/error-from-error-body.js';

describe('errorFromErrorBody', () => {
  it('takes the class from the HTTP status and message, code and param from the body', () => {
    const error = errorFromErrorBody(
      { error: { message: 'bad temperature', type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' } },
      { status: 400, fallbackMessage: 'HTTP 400' },
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_value', param: 'temperature', message: 'bad temperature' });
  });

  it('lets the HTTP status win over what the body says', () => {
    const error = errorFromErrorBody({ error: { message: 'x', type: 'server_error', code: '500' } }, { status: 401, fallbackMessage: '' });
    expect(error).toBeInstanceOf(AuthenticationError);
  });

  it('carries retryAfter', () => {
    const error = errorFromErrorBody({ error: { message: 'x' } }, { status: 429, retryAfter: 2, fallbackMessage: '' });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(2);
  });

  it('reads vLLM\'s flat error body', () => {
    const body = { object: 'error', message: "This model's maximum context length is 4096 tokens", type: 'BadRequestError', param: null, code: 400 };
    expect(isErrorBody(body)).toBe(true);
    const error = errorFromErrorBody(body, { status: 400, fallbackMessage: '' });
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.code).toBe('context_length_exceeded');
  });

  it('reads a bare string error', () => {
    const error = errorFromErrorBody({ error: 'quota exhausted' }, { status: 429, fallbackMessage: '' });
    expect(error.message).toBe('quota exhausted');
  });

  it('uses the fallback message when the body has none', () => {
    expect(errorFromErrorBody(undefined, { status: 502, fallbackMessage: 'upstream answered HTTP 502: <html>' }).message).toBe(
      'upstream answered HTTP 502: <html>',
    );
  });

  it('gives InternalServerError when nothing tells the status', () => {
    expect(errorFromErrorBody({ error: { message: 'x' } }, { fallbackMessage: '' })).toBeInstanceOf(InternalServerError);
  });

  it('does not take a completion for an error body', () => {
    expect(isErrorBody({ id: 'c', choices: [] })).toBe(false);
    expect(isErrorBody({ id: 'c', choices: [], error: null })).toBe(false);
  });
});
