import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  count,
  fallbackList,
  flag,
  httpUrl,
  nonEmptyString,
  nonNegativeNumber,
  nonNegativeSeconds,
  positiveNumber,
  positiveSeconds,
} from '../../src/config/fields.js';

function parsed(schema: z.ZodType, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, message: result.error.issues.map((issue) => issue.message).join('; ') };
}

describe('config fields', () => {
  it.each<[string, z.ZodType, unknown, unknown]>([
    ['positiveSeconds', positiveSeconds, 600, 600],
    ['positiveSeconds', positiveSeconds, 0.5, 0.5],
    ['positiveSeconds', positiveSeconds, '12', 12],
    ['positiveSeconds', positiveSeconds, ' 1.5 ', 1.5],
    ['positiveSeconds', positiveSeconds, 2_147_483, 2_147_483],
    ['nonNegativeSeconds', nonNegativeSeconds, 0, 0],
    ['nonNegativeSeconds', nonNegativeSeconds, '0', 0],
    ['count', count, 0, 0],
    ['count', count, '3', 3],
    ['positiveNumber', positiveNumber, '60', 60],
    ['nonNegativeNumber', nonNegativeNumber, 0, 0],
    ['flag', flag, true, true],
    ['flag', flag, 'true', true],
    ['flag', flag, 'false', false],
    ['nonEmptyString', nonEmptyString, 'gpt-4o', 'gpt-4o'],
    ['fallbackList', fallbackList, [{ 'gpt-4o': ['mini'] }], [{ 'gpt-4o': ['mini'] }]],
    ['httpUrl', httpUrl, 'http://127.0.0.1:8000/v1', 'http://127.0.0.1:8000/v1'],
    ['httpUrl', httpUrl, 'https://api.openai.com/v1', 'https://api.openai.com/v1'],
  ])('%s accepts %o as %o', (_, schema, value, expected) => {
    expect(parsed(schema, value)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, z.ZodType, unknown, string]>([
    ['positiveSeconds', positiveSeconds, 0, 'expected a positive number of seconds, got number 0'],
    ['positiveSeconds', positiveSeconds, -1, 'expected a positive number of seconds, got number -1'],
    ['positiveSeconds', positiveSeconds, 'soon', 'expected a positive number of seconds, got string "soon"'],
    ['positiveSeconds', positiveSeconds, '', 'expected a positive number of seconds, got string ""'],
    ['positiveSeconds', positiveSeconds, null, 'expected a positive number of seconds, got null'],
    ['positiveSeconds', positiveSeconds, Number.POSITIVE_INFINITY, 'expected a positive number of seconds, got number Infinity'],
    ['positiveSeconds', positiveSeconds, 'Infinity', 'expected a positive number of seconds, got string "Infinity"'],
    // Longer than a Node timer can wait: it would fire after 1 ms instead.
    ['positiveSeconds', positiveSeconds, 2_147_484, 'expected at most 2147483 seconds (24.8 days, the longest timer Node can set), got number 2147484'],
    ['nonNegativeSeconds', nonNegativeSeconds, 99_999_999, 'expected at most 2147483 seconds (24.8 days, the longest timer Node can set), got number 99999999'],
    ['nonNegativeSeconds', nonNegativeSeconds, -0.5, 'expected a number of seconds ≥ 0, got number -0.5'],
    ['count', count, 1.5, 'expected a whole number ≥ 0, got number 1.5'],
    ['count', count, -1, 'expected a whole number ≥ 0, got number -1'],
    ['count', count, 'two', 'expected a whole number ≥ 0, got string "two"'],
    ['positiveNumber', positiveNumber, 0, 'expected a positive number, got number 0'],
    ['nonNegativeNumber', nonNegativeNumber, -1, 'expected a number ≥ 0, got number -1'],
    ['flag', flag, 'yes', 'expected true or false, got string "yes"'],
    ['flag', flag, 1, 'expected true or false, got number 1'],
    ['nonEmptyString', nonEmptyString, '', 'expected a non-empty string'],
    ['nonEmptyString', nonEmptyString, 5, 'expected a string, got number 5'],
    ['fallbackList', fallbackList, { a: ['b'] }, 'expected a list of { group: [fallback groups] } entries, got an object'],
    ['fallbackList', fallbackList, [{ a: 'b' }], 'expected a list of model group names, got string "b"'],
    ['httpUrl', httpUrl, 'localhost:8000', 'expected an http(s) URL, got "localhost:8000"'],
    ['httpUrl', httpUrl, 'ftp://x', 'expected an http(s) URL, got "ftp://x"'],
    ['httpUrl', httpUrl, null, 'expected an http(s) URL, got null'],
  ])('%s rejects %o: %s', (_, schema, value, message) => {
    expect(parsed(schema, value)).toEqual({ ok: false, message });
  });
});
