import { describe, expect, it } from 'vitest';
import { converseFinishReason } from '../../../src/providers/bedrock/converse-finish-reason.js';

describe('converseFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
    ['a_reason_from_the_future', 'stop'],
    [undefined, 'stop'],
  ])('maps stopReason %s to %s', (stopReason, finishReason) => {
    expect(converseFinishReason(stopReason)).toBe(finishReason);
  });
});
