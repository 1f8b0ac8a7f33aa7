import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from '../../../src/providers/anthropic/map-anthropic-stop-reason.js';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['a_reason_from_the_future', 'stop'],
    [null, null],
    [undefined, null],
  ])('%s → %s', (reason, finish) => {
    expect(mapAnthropicStopReason(reason)).toBe(finish);
  });
});
