import { describe, expect, it } from 'vitest';
import { didYouMean, nearMiss } from '../../src/config/near-miss.js';

const known = ['model', 'timeout', 'stream_timeout', 'stream_idle_timeout', 'mock_response', 'rpm', 'tpm', 'api_key', 'api_base'];

describe('nearMiss', () => {
  it.each([
    ['stream_timout', 'stream_timeout'], // a letter left out
    ['stream_timeeout', 'stream_timeout'], // one too many
    ['stream_timeuot', 'stream_timeout'], // two swapped
    ['steam_timout', 'stream_timeout'], // two edits
    ['Stream-Timeout', 'stream_timeout'], // case, and - for _
    ['STREAM_TIMEOUT', 'stream_timeout'],
    ['modle', 'model'],
    ['mock_respones', 'mock_response'],
    ['timeuot', 'timeout'],
    ['stream_idle_timout', 'stream_idle_timeout'], // the closest one wins
  ])('%s is a near miss of %s', (key, expected) => {
    expect(nearMiss(key, known)).toBe(expected);
  });

  it('takes the same letters in another order as a near miss, however far apart', () => {
    expect(nearMiss('timeout_stream', known)).toBe('stream_timeout');
  });

  it.each([
    'vertex_project', // a LiteLLM setting rxllm ignores
    'drop_params',
    'temperature',
    'stream_timeouts_ms', // three edits
    'rpms', // short keys are never matched
    'tpm_',
    'mode',
  ])('%s is no near miss', (key) => {
    expect(nearMiss(key, known)).toBeUndefined();
  });

  it('a known key is no miss', () => {
    expect(nearMiss('stream_timeout', known)).toBeUndefined();
  });

  it('words the config message', () => {
    expect(didYouMean('stream_timeout')).toBe('unknown setting (did you mean "stream_timeout"?)');
  });
});
