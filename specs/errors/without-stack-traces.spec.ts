import { describe, expect, it } from 'vitest';
import { withoutStackTraces } from '../../src/errors/without-stack-traces.js';

describe('withoutStackTraces', () => {
  it('makes errors with no frames in their trace, and returns what it made', () => {
    const error = withoutStackTraces(() => new Error('quiet'));
    expect(error.stack).toBe('Error: quiet');
    expect(new Error('loud').stack).toContain('\n    at ');
  });

  it('puts the limit back, even when making throws', () => {
    const limit = Error.stackTraceLimit;
    expect(() =>
      withoutStackTraces(() => {
        throw new Error('while making');
      }),
    ).toThrow('while making');
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
