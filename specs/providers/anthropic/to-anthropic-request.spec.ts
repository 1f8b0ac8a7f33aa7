import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { toAnthropicRequest } from '../../../src/providers/anthropic/to-anthropic-request.js';

const base = { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'Hi' }] };

describe('toAnthropicRequest', () => {
  it('sends max_tokens 4096 when the request gives none (Anthropic requires it)', () => {
    expect(toAnthropicRequest(base)).toEqual({ model: 'claude-sonnet-4', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] });
    expect(toAnthropicRequest({ ...base, max_tokens: null }).max_tokens).toBe(4096);
  });

  it("takes the request's max_completion_tokens, else max_tokens", () => {
    expect(toAnthropicRequest({ ...base, max_tokens: 100 }).max_tokens).toBe(100);
    expect(toAnthropicRequest({ ...base, max_tokens: 100, max_completion_tokens: 50 }).max_tokens).toBe(50);
  });

  it('refuses a max_tokens that is not a positive integer, naming it', () => {
    expect(() => toAnthropicRequest({ ...base, max_tokens: 0 })).toThrow(expect.objectContaining({ param: 'max_tokens' }));
    expect(() => toAnthropicRequest({ ...base, max_completion_tokens: 1.5 })).toThrow(expect.objectContaining({ param: 'max_completion_tokens' }));
  });

  it('passes temperature, top_p and stream, and stop (string or list) as stop_sequences', () => {
    expect(toAnthropicRequest({ ...base, temperature: 0.2, top_p: 0.9, stop: 'END', stream: true })).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ['END'],
      stream: true,
    });
    expect(toAnthropicRequest({ ...base, stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
    expect(toAnthropicRequest({ ...base, stop: [] })).not.toHaveProperty('stop_sequences');
    expect(() => toAnthropicRequest({ ...base, stop: 5 })).toThrow(expect.objectContaining({ param: 'stop' }));
  });

  it('treats null fields as absent, as OpenAI does', () => {
    expect(toAnthropicRequest({ ...base, temperature: null, stop: null, tools: null, logit_bias: null, n: null })).toEqual(toAnthropicRequest(base));
  });

  it('carries the system prompt, tools and user', () => {
    const request = toAnthropicRequest({
      ...base,
      messages: [{ role: 'system', content: 'Be brief.' }, ...base.messages],
      tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }],
      tool_choice: 'required',
      user: 'user-42',
    });
    expect(request).toMatchObject({
      system: 'Be brief.',
      tools: [{ name: 'now', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'any' },
      metadata: { user_id: 'user-42' },
    });
  });

  it('refuses a field Anthropic cannot take, naming it, and drops it with drop_params', () => {
    for (const [field, value] of [['logit_bias', { 50256: -100 }], ['response_format', { type: 'json_object' }], ['presence_penalty', 0.5], ['seed', 7]] as const) {
      const body = { ...base, [field]: value };
      expect(() => toAnthropicRequest(body)).toThrow(BadRequestError);
      expect(() => toAnthropicRequest(body)).toThrow(expect.objectContaining({ param: field, code: 'unsupported_parameter' }));
      expect(toAnthropicRequest(body, { dropParams: true })).toEqual(toAnthropicRequest(base));
    }
  });

  it('accepts n only as 1', () => {
    expect(toAnthropicRequest({ ...base, n: 1 })).toEqual(toAnthropicRequest(base));
    expect(() => toAnthropicRequest({ ...base, n: 2 })).toThrow(expect.objectContaining({ param: 'n' }));
  });
});
