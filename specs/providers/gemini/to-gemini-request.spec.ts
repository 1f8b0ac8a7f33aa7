import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { toGeminiRequest } from '../../../src/providers/gemini/to-gemini-request.js';

const user = (content: unknown) => ({ role: 'user', content });

function refusal(body: Record<string, unknown>): BadRequestError {
  let thrown: unknown;
  try {
    toGeminiRequest(body);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BadRequestError);
  return thrown as BadRequestError;
}

describe('toGeminiRequest', () => {
  it('maps roles: system and developer to systemInstruction, user to user, assistant to model', () => {
    const request = toGeminiRequest({
      model: 'gemini-2.0-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        user('Hi'),
        { role: 'assistant', content: 'Hello!' },
        { role: 'developer', content: 'Answer in French.' },
        user('How are you?'),
      ],
    });
    expect(request).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        { role: 'user', parts: [{ text: 'How are you?' }] },
      ],
    });
  });

  it('takes text parts, and merges consecutive turns of one role', () => {
    const request = toGeminiRequest({ messages: [user([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }]), user('c')] });
    expect(request.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] }]);
  });

  it('skips a turn without text (Gemini refuses empty parts)', () => {
    expect(toGeminiRequest({ messages: [user('Hi'), { role: 'assistant', content: null }, user('again')] }).contents).toEqual([
      { role: 'user', parts: [{ text: 'Hi' }, { text: 'again' }] },
    ]);
  });

  it('maps the sampling fields to generationConfig, max_completion_tokens over max_tokens, a stop string as a list', () => {
    const request = toGeminiRequest({
      messages: [user('Hi')],
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 10,
      max_completion_tokens: 50,
      stop: 'END',
      n: 2,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 50,
      stopSequences: ['END'],
      candidateCount: 2,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      seed: 7,
    });
  });

  it('uses max_tokens when alone, keeps a stop list, ignores nulls, and sends no generationConfig when nothing is set', () => {
    expect(toGeminiRequest({ messages: [user('Hi')], max_tokens: 10, stop: ['a', 'b'], temperature: null }).generationConfig).toEqual({
      maxOutputTokens: 10,
      stopSequences: ['a', 'b'],
    });
    expect(toGeminiRequest({ messages: [user('Hi')] })).not.toHaveProperty('generationConfig');
  });

  it('refuses a field Gemini cannot take, naming it', () => {
    const error = refusal({ messages: [user('Hi')], logit_bias: { 50256: -100 } });
    expect(error).toMatchObject({ status: 400, param: 'logit_bias', code: 'unsupported_parameter' });
    expect(error.message).toContain('logit_bias');
  });

  it('refuses image parts, tool calls and tool messages, naming where they are', () => {
    expect(refusal({ messages: [user([{ type: 'image_url', image_url: { url: 'https://x/y.png' } }])] }).param).toBe('messages[0].content[0].type');
    expect(refusal({ messages: [user('Hi'), { role: 'assistant', content: null, tool_calls: [{ id: 't' }] }] }).param).toBe('messages[1].tool_calls');
    expect(refusal({ messages: [{ role: 'tool', content: '42', tool_call_id: 't' }] }).param).toBe('messages[0].role');
  });

  it('drops what it cannot take with dropParams', () => {
    const request = toGeminiRequest(
      {
        messages: [user([{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url: 'x' } }]), { role: 'tool', content: '42' }],
        logit_bias: {},
        tools: [],
        temperature: 1,
      },
      { dropParams: true },
    );
    expect(request).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], generationConfig: { temperature: 1 } });
  });
});
