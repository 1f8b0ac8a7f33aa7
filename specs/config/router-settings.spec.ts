import { describe, expect, it } from 'vitest';
import { defaults, secondsToMs } from '../../src/config/router-settings.js';

describe('secondsToMs', () => {
  it.each([
    [600, 600_000],
    [1, 1_000],
    [0.7, 700],
    [0.1 + 0.2, 300],
    [1.1, 1_100],
    [2.5, 2_500],
    [0.001, 1],
    [0.0000015, 0.002],
    [0.0000001, 0],
    [0, 0],
  ])('turns %s s into %s ms, rounded to the microsecond', (seconds, ms) => {
    expect(secondsToMs(seconds)).toBe(ms);
  });
});

describe('defaults', () => {
  it("are LiteLLM's: timeout 600 s, 2 retries, 5 fallbacks, 5 s cooldown, OpenAI's API; and rxllm's: one probe, doubling up to 300 s, for half-open; 1 hedge, 10 % budget", () => {
    expect(defaults).toEqual({
      timeoutSeconds: 600,
      numRetries: 2,
      maxFallbacks: 5,
      cooldownTimeSeconds: 5,
      cooldownProbeRequests: 1,
      maxCooldownTimeSeconds: 300,
      maxHedges: 1,
      hedgeBudget: 0.1,
      openaiApiBase: 'https://api.openai.com/v1',
    });
  });
});
