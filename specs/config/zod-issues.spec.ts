import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeValue, formatPath, toConfigIssues } from '../../src/config/zod-issues.js';

describe('formatPath', () => {
  it.each<[PropertyKey[], string]>([
    [['model_list', 2, 'litellm_params', 'timeout'], 'model_list[2].litellm_params.timeout'],
    [['fallbacks', 0, 'gpt-4o', 1], 'fallbacks[0].gpt-4o[1]'],
    [[0, 'a'], '[0].a'],
    [['timeout'], 'timeout'],
    [[], ''],
  ])('prints %o as %s', (path, printed) => {
    expect(formatPath(path)).toBe(printed);
  });
});

describe('describeValue', () => {
  it.each<[unknown, string]>([
    [undefined, 'nothing'],
    [null, 'null'],
    [[1, 2], 'a list'],
    [{ a: 1 }, 'an object'],
    ['abc', 'string "abc"'],
    ['x'.repeat(16), `string "${'x'.repeat(16)}"`],
    // Never the content of a long string: it may be a secret read through os.environ/NAME.
    ['sk-' + 'x'.repeat(47), 'a string of 50 characters'],
    [-1, 'number -1'],
    [true, 'boolean true'],
  ])('describes %o as %s', (value, described) => {
    expect(describeValue(value)).toBe(described);
  });
});

describe('toConfigIssues', () => {
  it('gives one issue per problem, with each unknown key named on its own', () => {
    const schema = z.strictObject({ a: z.number({ error: 'expected a number' }), nested: z.strictObject({ b: z.string() }) });
    const result = schema.safeParse({ a: 'x', typo: 1, other: 2, nested: { b: 'ok', c: 3 } });
    expect(result.success).toBe(false);
    if (result.success) return;
    const expected = [
      { path: 'a', message: 'expected a number' },
      { path: 'typo', message: 'unknown setting' },
      { path: 'other', message: 'unknown setting' },
      { path: 'nested.c', message: 'unknown setting' },
    ];
    const issues = toConfigIssues(result.error);
    expect(issues).toEqual(expect.arrayContaining(expected));
    expect(issues).toHaveLength(expected.length);
  });

  it('puts a prefix before every path', () => {
    const result = z.strictObject({ port: z.number({ error: 'expected a port' }) }).safeParse({ port: 'x', host: 'y' });
    if (result.success) throw new Error('expected a failure');
    expect(toConfigIssues(result.error, ['general_settings'])).toEqual(
      expect.arrayContaining([
        { path: 'general_settings.port', message: 'expected a port' },
        { path: 'general_settings.host', message: 'unknown setting' },
      ]),
    );
  });
});
