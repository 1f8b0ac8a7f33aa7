import { describe, expect, it } from 'vitest';
import { assertCount, assertNonNegative, assertPositiveMs } from '../../src/policies/validate.js';

describe('assertPositiveMs', () => {
  it.each([1, 0.5, 600_000, 2 ** 31 - 1])('accepts %s', (value) => {
    expect(() => assertPositiveMs('op', 'ms', value)).not.toThrow();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '10', null, undefined, 2 ** 31])('throws a TypeError for %s', (value) => {
    expect(() => assertPositiveMs('op', 'ms', value)).toThrow(TypeError);
  });

  it('names the operator, the option and the value in its message', () => {
    expect(() => assertPositiveMs('idleTimeout', 'ms', -5)).toThrow('idleTimeout: ms must be a finite number of milliseconds > 0, got -5');
  });

  it('rejects a delay longer than a Node timer can wait (it would fire after 1 ms)', () => {
    expect(() => assertPositiveMs('deadline', 'ms', 99_999_999_000)).toThrow(
      'deadline: ms must be at most 2147483647 ms (the longest timer Node can set), got 99999999000',
    );
  });
});

describe('assertNonNegative', () => {
  it.each([0, 0.5, 60_000])('accepts %s', (value) => {
    expect(() => assertNonNegative('op', 'minDelay', value)).not.toThrow();
  });

  it.each([-0.001, Number.NaN, Number.POSITIVE_INFINITY, '0', undefined])('throws a TypeError for %s', (value) => {
    expect(() => assertNonNegative('op', 'minDelay', value)).toThrow(TypeError);
  });

  it('names the operator and the option in its message', () => {
    expect(() => assertNonNegative('retryWithBackoff', 'minDelay', -1)).toThrow(/^retryWithBackoff: minDelay/);
  });
});

describe('assertCount', () => {
  it.each([0, 1, 5])('accepts %s', (value) => {
    expect(() => assertCount('op', 'count', value)).not.toThrow();
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2', null])('throws a TypeError for %s', (value) => {
    expect(() => assertCount('op', 'count', value)).toThrow(TypeError);
  });

  it('names the operator and the option in its message', () => {
    expect(() => assertCount('retryWithBackoff', 'count', 1.5)).toThrow('retryWithBackoff: count must be a whole number ≥ 0, got 1.5');
  });
});
