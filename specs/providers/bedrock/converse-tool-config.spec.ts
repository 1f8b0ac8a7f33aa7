import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { converseToolConfig } from '../../../src/providers/bedrock/converse-tool-config.js';

const schema = { type: 'object', properties: { sign: { type: 'string' } }, required: ['sign'] };
const tools = [
  { type: 'function', function: { name: 'top_song', description: 'The most popular song on a station.', parameters: schema } },
  { type: 'function', function: { name: 'now' } },
];

describe('converseToolConfig', () => {
  it('sends each function as a toolSpec with its JSON Schema as inputSchema.json', () => {
    expect(converseToolConfig(tools, undefined, false)).toEqual({
      tools: [
        { toolSpec: { name: 'top_song', description: 'The most popular song on a station.', inputSchema: { json: schema } } },
        { toolSpec: { name: 'now', inputSchema: { json: { type: 'object', properties: {} } } } },
      ],
    });
  });

  it.each([
    ['auto', { auto: {} }],
    ['required', { any: {} }],
    [{ type: 'function', function: { name: 'now' } }, { tool: { name: 'now' } }],
  ])('maps tool_choice %j to %j', (choice, expected) => {
    expect(converseToolConfig(tools, choice, false)?.toolChoice).toEqual(expected);
  });

  it('offers no tools when none are given', () => {
    expect(converseToolConfig(undefined, undefined, false)).toBeUndefined();
    expect(converseToolConfig([], 'auto', false)).toBeUndefined();
  });

  it('rejects tool_choice none, which Converse cannot honour, unless drop_params lets it go', () => {
    expect(() => converseToolConfig(tools, 'none', false)).toThrow(expect.objectContaining({ param: 'tool_choice' }) as Error);
    expect(converseToolConfig(tools, 'none', true)).not.toHaveProperty('toolChoice');
  });

  it('names a tool it cannot send', () => {
    expect(() => converseToolConfig([{ type: 'web_search' }], undefined, false)).toThrow(BadRequestError);
    expect(() => converseToolConfig([{ type: 'web_search' }], undefined, false)).toThrow(expect.objectContaining({ param: 'tools[0].type' }) as Error);
  });
});
