import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from '../../src/policies/backoff.js';

describe('exponentialBackoff', () => {
  it('grows 500, 1000, 2000, 4000, 8000 ms and stays capped at 8000 by default', () => {
    const backoff = exponentialBackoff();
    expect([1, 2, 3, 4, 5, 6, 10].map((retry) => backoff(retry, 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('takes up to a quarter off at random by default: d · (1 − 0.25 · random)', () => {
    const backoff = exponentialBackoff();
    expect(backoff(1, 0.8)).toBe(400);
    expect(backoff(5, 0.8)).toBe(6400);
    expect(backoff(1, 0.999_999)).toBeGreaterThan(375);
  });

  it('applies the jitter after the cap, so no delay ever exceeds maxDelay', () => {
    const backoff = exponentialBackoff({ maxDelay: 3_000 });
    for (let retry = 1; retry <= 12; retry += 1) {
      for (const random of [0, 0.3, 0.999]) expect(backoff(retry, random)).toBeLessThanOrEqual(3_000);
    }
    expect(backoff(9, 0)).toBe(3_000);
  });

  it('follows initialDelay, factor, maxDelay and jitter when given', () => {
    const backoff = exponentialBackoff({ initialDelay: 100, factor: 3, maxDelay: 1_000, jitter: 0.5 });
    expect([1, 2, 3, 4].map((retry) => backoff(retry, 0))).toEqual([100, 300, 900, 1_000]);
    expect(backoff(2, 1)).toBe(150);
  });

  it('is deterministic without jitter', () => {
    const backoff = exponentialBackoff({ jitter: 0 });
    expect(backoff(2, 0.9)).toBe(1_000);
  });

  it('treats retry numbers below 1 as the first retry', () => {
    expect(exponentialBackoff()(0, 0)).toBe(500);
  });

  it.each([
    { initialDelay: 0 },
    { initialDelay: -1 },
    { maxDelay: Number.NaN },
    { factor: 0 },
    { factor: 0.5 },
    { jitter: -0.1 },
    { jitter: 1.5 },
  ])('throws a TypeError when it is created with %o', (options) => {
    expect(() => exponentialBackoff(options)).toThrow(TypeError);
  });
});
