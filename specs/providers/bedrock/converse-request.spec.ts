import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { converseRequest } from '../../../src/providers/bedrock/converse-request.js';

const messages = [{ role: 'user', content: 'Hi' }];

describe('converseRequest', () => {
  it('sends only the conversation when nothing else is asked', () => {
    expect(converseRequest({ model: 'm', messages, stream: true, stream_options: { include_usage: true } })).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    });
  });

  it('maps max_tokens, temperature, top_p and stop to inferenceConfig', () => {
    expect(converseRequest({ model: 'm', messages, max_tokens: 100, temperature: 0, top_p: 0.9, stop: 'END' }).inferenceConfig).toEqual({
      maxTokens: 100,
      temperature: 0,
      topP: 0.9,
      stopSequences: ['END'],
    });
  });

  it('prefers max_completion_tokens to max_tokens', () => {
    expect(converseRequest({ model: 'm', messages, max_tokens: 100, max_completion_tokens: 42 }).inferenceConfig).toEqual({ maxTokens: 42 });
  });

  it('treats null fields as absent, as OpenAI does', () => {
    expect(converseRequest({ model: 'm', messages, temperature: null, seed: null, tools: null })).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    });
  });

  it('rejects a field Converse cannot take, naming it, unless drop_params drops it', () => {
    expect(() => converseRequest({ model: 'm', messages, frequency_penalty: 0.5 })).toThrow(BadRequestError);
    expect(() => converseRequest({ model: 'm', messages, frequency_penalty: 0.5 })).toThrow(
      expect.objectContaining({ param: 'frequency_penalty', status: 400 }) as Error,
    );
    expect(converseRequest({ model: 'm', messages, frequency_penalty: 0.5, drop_params: true })).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    });
  });

  it('answers one choice only', () => {
    expect(() => converseRequest({ model: 'm', messages, n: 2 })).toThrow(expect.objectContaining({ param: 'n' }) as Error);
    expect(() => converseRequest({ model: 'm', messages, n: 1 })).not.toThrow();
  });

  it('names a wrongly typed field', () => {
    expect(() => converseRequest({ model: 'm', messages, temperature: 'hot' })).toThrow(expect.objectContaining({ param: 'temperature' }) as Error);
    expect(() => converseRequest({ model: 'm', messages, stop: [1] })).toThrow(expect.objectContaining({ param: 'stop' }) as Error);
  });
});
