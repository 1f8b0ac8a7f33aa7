import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { converseMessages } from '../../../src/providers/bedrock/converse-messages.js';

function paramOf(run: () => unknown): string | null | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as BadRequestError).param;
  }
  return undefined;
}

describe('converseMessages', () => {
  it('puts system and developer messages in system, and user/assistant turns in messages', () => {
    expect(
      converseMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: [{ type: 'text', text: 'Again' }] },
      ]),
    ).toEqual({
      system: [{ text: 'Be brief.' }, { text: 'Answer in French.' }],
      messages: [
        { role: 'user', content: [{ text: 'Hi' }] },
        { role: 'assistant', content: [{ text: 'Bonjour' }] },
        { role: 'user', content: [{ text: 'Again' }] },
      ],
    });
  });

  it('merges consecutive turns of one role, as Converse wants them alternating', () => {
    expect(converseMessages([{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }]).messages).toEqual([
      { role: 'user', content: [{ text: 'a' }, { text: 'b' }] },
    ]);
  });

  it('sends tool calls as toolUse blocks and tool messages as the user’s toolResult blocks', () => {
    const { messages } = converseMessages([
      { role: 'user', content: 'Top song on WZPZ?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'top_song', arguments: '{"sign":"WZPZ"}' } },
          { id: 'call_2', type: 'function', function: { name: 'now', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Elemental Hotel' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: [{ text: 'Top song on WZPZ?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'call_1', name: 'top_song', input: { sign: 'WZPZ' } } },
          { toolUse: { toolUseId: 'call_2', name: 'now', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'call_1', content: [{ text: 'Elemental Hotel' }] } },
          { toolResult: { toolUseId: 'call_2', content: [{ text: '12:00' }] } },
        ],
      },
    ]);
  });

  it('sends a data: URL image as its bytes (base64, as the REST API carries blobs)', () => {
    const { messages } = converseMessages([
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/4AAQ' } }, { type: 'text', text: 'What is it?' }] },
    ]);
    expect(messages[0]?.content).toEqual([{ image: { format: 'jpeg', source: { bytes: '/9j/4AAQ' } } }, { text: 'What is it?' }]);
  });

  it('leaves out empty text, which Converse rejects', () => {
    expect(converseMessages([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '' }]).messages).toEqual([
      { role: 'user', content: [{ text: 'Hi' }] },
    ]);
  });

  it('names the field it cannot translate', () => {
    expect(paramOf(() => converseMessages([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/cat.png' } }] }]))).toBe(
      'messages[0].content[0].image_url',
    );
    expect(paramOf(() => converseMessages([{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }]))).toBe('messages[0].content[0].type');
    expect(paramOf(() => converseMessages([{ role: 'function', name: 'f', content: 'x' }]))).toBe('messages[0].role');
    expect(paramOf(() => converseMessages([{ role: 'tool', content: 'x' }]))).toBe('messages[0].tool_call_id');
    expect(
      paramOf(() => converseMessages([{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }] }])),
    ).toBe('messages[0].tool_calls[0].function.arguments');
  });
});
