import { describe, expect, it } from 'vitest';
import { atLeast, logLevelFromEnv } from '../../src/cli/log-level.js';

describe('logLevelFromEnv (LITELLM_LOG)', () => {
  it("reads LiteLLM's level names in any case, WARNING as warn", () => {
    expect(['DEBUG', 'info', 'Warning', 'WARN', 'ERROR', 'critical'].map(logLevelFromEnv)).toEqual(['debug', 'info', 'warn', 'warn', 'error', 'error']);
  });

  it('is undefined when unset or empty', () => {
    expect(logLevelFromEnv(undefined)).toBeUndefined();
    expect(logLevelFromEnv('  ')).toBeUndefined();
  });

  it('names the variable and the values it takes for anything else', () => {
    expect(() => logLevelFromEnv('loud')).toThrow('LITELLM_LOG: expected one of DEBUG, INFO, WARNING, ERROR, got "loud"');
  });
});

describe('atLeast', () => {
  const lines = [
    'time=t level=debug msg=attemptStarted',
    'time=t level=info msg=request status=200',
    'time=t level=warn msg=request status=429',
    'time=t level=error msg=request status=500',
    'no level here',
  ];

  function kept(level: Parameters<typeof atLeast>[0]): string[] {
    const out: string[] = [];
    const write = atLeast(level, (line) => out.push(line));
    for (const line of lines) write(line);
    return out;
  }

  it('passes the lines at the level or above, and lines without a level', () => {
    expect(kept('warn')).toEqual([lines[2], lines[3], lines[4]]);
    expect(kept('error')).toEqual([lines[3], lines[4]]);
    expect(kept('info')).toEqual(lines.slice(1));
    expect(kept('debug')).toEqual(lines);
  });
});
