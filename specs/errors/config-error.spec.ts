import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue } from '../../src/errors/config-error.js';

describe('ConfigError', () => {
  it('lists every issue, one `path: message` line each, under a heading', () => {
    const error = new ConfigError([
      { path: 'model_list[2].litellm_params.timeout', message: 'expected a positive number of seconds, got number -1' },
      { path: 'stream_timeuot', message: 'unknown setting' },
    ]);
    expect(error.message).toBe(
      'invalid rxllm config:\n' +
        '  model_list[2].litellm_params.timeout: expected a positive number of seconds, got number -1\n' +
        '  stream_timeuot: unknown setting',
    );
    expect(error).toMatchObject({ name: 'ConfigError', code: 'invalid_config' });
    expect(error.issues).toHaveLength(2);
    expect(error).toBeInstanceOf(Error);
  });

  it('takes another heading', () => {
    expect(new ConfigError([{ path: 'a', message: 'b' }], 'invalid config.yaml').message).toBe('invalid config.yaml:\n  a: b');
  });
});

describe('formatIssue', () => {
  it('prints `path: message`, or the message alone for the root', () => {
    expect(formatIssue({ path: 'fallbacks[0].gpt-4[1]', message: 'unknown model group "x"' })).toBe('fallbacks[0].gpt-4[1]: unknown model group "x"');
    expect(formatIssue({ path: '', message: 'expected a Router config object, got nothing' })).toBe('expected a Router config object, got nothing');
  });
});
