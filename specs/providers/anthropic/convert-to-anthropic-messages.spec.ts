import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { convertToAnthropicMessages } from '../../../src/providers/anthropic/convert-to-anthropic-messages.js';

const weatherCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } };

describe('convertToAnthropicMessages', () => {
  it('moves system and developer messages to the top-level system, wherever they are', () => {
    expect(
      convertToAnthropicMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      ]),
    ).toEqual({
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Answer in French.' },
      ],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(convertToAnthropicMessages([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]).system).toBe('Be brief.');
  });

  it('has no system when there is none', () => {
    expect(convertToAnthropicMessages([{ role: 'user', content: 'Hi' }])).toEqual({ messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('keeps user and assistant turns, text parts as text blocks', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: 'there' }] },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'How are you?' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: 'there' }] },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'How are you?' },
    ]);
  });

  it('merges consecutive turns of one role, as Anthropic requires alternation', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'One' },
      { role: 'system', content: 'ignored for alternation' },
      { role: 'user', content: 'Two' },
      { role: 'assistant', content: 'A' },
      { role: 'assistant', content: 'B' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] },
    ]);
  });

  it('leaves out empty turns (Anthropic refuses empty text blocks)', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '' },
      { role: 'user', content: null },
    ]);
    expect(messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it("turns an assistant's tool_calls into tool_use blocks with the arguments parsed", () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Let me look.', tool_calls: [weatherCall, { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } }] },
    ]);
    expect(messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'now', input: {} },
      ],
    });
  });

  it('turns tool messages into tool_result blocks of one user turn, before any text that follows', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [weatherCall] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      { role: 'tool', tool_call_id: 'call_3', content: '' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris' } }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '{"temp": 21}' },
          { type: 'tool_result', tool_use_id: 'call_2', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
          { type: 'tool_result', tool_use_id: 'call_3' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it.each([
    ['arguments that are not JSON', { ...weatherCall, function: { name: 'f', arguments: '{"a":' } }, 'messages[0].tool_calls[0].function.arguments'],
    ['arguments that are not an object', { ...weatherCall, function: { name: 'f', arguments: '[1]' } }, 'messages[0].tool_calls[0].function.arguments'],
    ['a call without an id', { type: 'function', function: { name: 'f', arguments: '{}' } }, 'messages[0].tool_calls[0].id'],
    ['a call without a name', { id: 'c', type: 'function', function: { arguments: '{}' } }, 'messages[0].tool_calls[0].function.name'],
  ])('refuses %s with a 400 naming the field', (_, call, param) => {
    const convert = () => convertToAnthropicMessages([{ role: 'assistant', tool_calls: [call] }]);
    expect(convert).toThrow(BadRequestError);
    expect(convert).toThrow(expect.objectContaining({ param }));
  });

  it('refuses a tool message without tool_call_id', () => {
    expect(() => convertToAnthropicMessages([{ role: 'tool', content: 'x' }])).toThrow(expect.objectContaining({ param: 'messages[0].tool_call_id' }));
  });

  it('refuses a part or role Anthropic cannot take, naming it, unless drop_params', () => {
    const image = { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] };
    expect(() => convertToAnthropicMessages([image])).toThrow(expect.objectContaining({ status: 400, param: 'messages[0].content[1].type' }));
    expect(convertToAnthropicMessages([image], true).messages).toEqual([{ role: 'user', content: 'What is this?' }]);
    const legacy = { role: 'function', name: 'f', content: '1' };
    expect(() => convertToAnthropicMessages([legacy])).toThrow(expect.objectContaining({ param: 'messages[0].role', code: 'unsupported_parameter' }));
    expect(convertToAnthropicMessages([{ role: 'user', content: 'Hi' }, legacy], true).messages).toHaveLength(1);
  });
});
