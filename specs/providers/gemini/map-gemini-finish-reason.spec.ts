import { describe, expect, it } from 'vitest';
import { mapGeminiFinishReason } from '../../../src/providers/gemini/map-gemini-finish-reason.js';

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['SPII', 'content_filter'],
    ['IMAGE_SAFETY', 'content_filter'],
    ['OTHER', 'stop'],
    ['LANGUAGE', 'stop'],
    ['MALFORMED_FUNCTION_CALL', 'stop'],
  ])('%s → %s', (reason, expected) => {
    expect(mapGeminiFinishReason(reason)).toBe(expected);
  });

  it('is null while a candidate has not finished', () => {
    expect(mapGeminiFinishReason(undefined)).toBeNull();
    expect(mapGeminiFinishReason('FINISH_REASON_UNSPECIFIED')).toBeNull();
  });
});
