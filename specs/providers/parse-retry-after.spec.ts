import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/providers/parse-retry-after.js';

const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

describe('parseRetryAfter', () => {
  it('reads retry-after-ms as milliseconds and returns seconds', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '1500' }, now)).toBe(1.5);
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '7' }, now)).toBe(0.25);
  });

  it('falls back to retry-after when retry-after-ms is unreadable', () => {
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '7' }, now)).toBe(7);
  });

  it('reads retry-after as whole or fractional seconds', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2);
    expect(parseRetryAfter({ 'retry-after': ' 0.5 ' }, now)).toBe(0.5);
    expect(parseRetryAfter({ 'retry-after': '0' }, now)).toBe(0);
  });

  it('reads retry-after as an HTTP-date relative to now', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }, now)).toBe(30);
    expect(parseRetryAfter({ 'retry-after': 'Wednesday, 21-Oct-15 07:29:00 GMT' }, now)).toBe(60);
  });

  it('gives 0 for an HTTP-date in the past', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:00:00 GMT' }, now)).toBe(0);
  });

  it('gives undefined when there is no header', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '' }, now)).toBeUndefined();
  });

  it('gives undefined for values that are neither seconds nor a date', () => {
    for (const value of ['soon', '-5', '1e3', '2 seconds?', '12abc', '1.2.3']) {
      expect(parseRetryAfter({ 'retry-after': value }, now), value).toBeUndefined();
    }
  });

  it('reads the first of repeated headers', () => {
    expect(parseRetryAfter({ 'retry-after': ['3', '9'] }, now)).toBe(3);
  });
});
