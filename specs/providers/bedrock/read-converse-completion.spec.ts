import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APIConnectionError } from '../../../src/errors/error-classes.js';
import { readConverseCompletion } from '../../../src/providers/bedrock/read-converse-completion.js';

const now = Date.UTC(2025, 0, 2, 3, 4, 5);
const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('readConverseCompletion', () => {
  it('reads a tool-use answer (AWS documentation example): text, tool_calls, finish_reason, usage', () => {
    const bytes = readFileSync(new URL('fixtures/converse-tool-use.json', import.meta.url));
    expect(readConverseCompletion(bytes, 'amazon.nova-pro-v1:0', now)).toEqual({
      id: expect.stringMatching(/^chatcmpl-/) as string,
      object: 'chat.completion',
      created: Math.floor(now / 1000),
      model: 'amazon.nova-pro-v1:0',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check the most popular song on WZPZ.',
            tool_calls: [{ id: 'tooluse_hbTgdi0CSLq_hM4P8csZJA', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 375, completion_tokens: 36, total_tokens: 411 },
    });
  });

  it('joins text blocks, and reports reasoning as reasoning_content', () => {
    const completion = readConverseCompletion(
      body({
        output: { message: { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'Think.', signature: 's' } } }, { text: 'a' }, { text: 'b' }] } },
        stopReason: 'max_tokens',
      }),
      'm',
      now,
    );
    expect(completion.choices[0]).toMatchObject({ message: { content: 'ab', reasoning_content: 'Think.' }, finish_reason: 'length' });
    expect(completion).not.toHaveProperty('usage');
  });

  it('has null content when the answer is only tool calls', () => {
    const completion = readConverseCompletion(
      body({ output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: {} } }] } }, stopReason: 'tool_use' }),
      'm',
      now,
    );
    expect(completion.choices[0]?.message.content).toBeNull();
  });

  it('errors with APIConnectionError on a body that is not a Converse answer', () => {
    expect(() => readConverseCompletion(Buffer.from('<html>'), 'm', now)).toThrow(APIConnectionError);
    expect(() => readConverseCompletion(body({ choices: [] }), 'm', now)).toThrow(/not a Converse answer/);
  });
});
