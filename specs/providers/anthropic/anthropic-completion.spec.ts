import { describe, expect, it } from 'vitest';
import { APIConnectionError, ServiceUnavailableError } from '../../../src/errors/error-classes.js';
import { readAnthropicCompletion, toChatCompletion } from '../../../src/providers/anthropic/anthropic-completion.js';
import { fixture } from '../../support/fixtures.js';

const nowMs = 1_731_400_000_500;
const read = (name: string) => readAnthropicCompletion(Buffer.from(fixture(new URL(`./fixtures/${name}`, import.meta.url))), 'claude-sonnet-4', nowMs);

describe('readAnthropicCompletion', () => {
  it('reads a text message as a chat completion: id, created now, model, content, finish_reason, usage', () => {
    expect(read('message.json')).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1_731_400_000,
      model: 'claude-sonnet-4-20250514',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Claude' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
    });
  });

  it('reads tool_use blocks as tool_calls with the input as a JSON arguments string', () => {
    const completion = read('tool-use-message.json');
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: "I'll check the weather in San Francisco.",
        tool_calls: [
          { id: 'toolu_01A09q90qw90lq917835lq9', type: 'function', function: { name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' } },
        ],
      },
    });
  });

  it('throws the typed error for an error body, and APIConnectionError for anything but a message', () => {
    expect(() => read('overloaded-529.json')).toThrow(ServiceUnavailableError);
    expect(() => readAnthropicCompletion(Buffer.from('{"type":"message"'), 'm', nowMs)).toThrow(APIConnectionError);
    expect(() => readAnthropicCompletion(Buffer.from('{"choices":[]}'), 'm', nowMs)).toThrow(/not an Anthropic message/);
  });
});

describe('toChatCompletion', () => {
  it('joins text blocks, gives null content when there is only a tool call, and skips other blocks', () => {
    const completion = toChatCompletion(
      {
        id: 'msg_1',
        type: 'message',
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 's' },
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
        stop_reason: 'max_tokens',
      },
      'claude-fallback-name',
      0,
    );
    expect(completion).toMatchObject({ model: 'claude-fallback-name', choices: [{ message: { content: 'ab' }, finish_reason: 'length' }] });
    expect(completion).not.toHaveProperty('usage');
    const toolOnly = toChatCompletion({ type: 'message', content: [{ type: 'tool_use', id: 't', name: 'now', input: {} }], stop_reason: 'tool_use' }, 'm', 0);
    expect(toolOnly.choices[0]?.message).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'now', arguments: '{}' } }] });
  });
});
