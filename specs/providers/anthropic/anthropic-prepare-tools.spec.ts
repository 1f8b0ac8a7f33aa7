import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { anthropicPrepareTools } from '../../../src/providers/anthropic/anthropic-prepare-tools.js';

const schema = { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] };
const weather = { type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: schema } };

describe('anthropicPrepareTools', () => {
  it("turns function tools into Anthropic's {name, description, input_schema}", () => {
    expect(anthropicPrepareTools({ tools: [weather, { type: 'function', function: { name: 'now' } }] })).toEqual({
      tools: [
        { name: 'get_weather', description: 'Current weather', input_schema: schema },
        { name: 'now', input_schema: { type: 'object', properties: {} } },
      ],
    });
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [{ type: 'function', function: { name: 'get_weather' } }, { type: 'tool', name: 'get_weather' }],
  ])('maps tool_choice %j to %j', (choice, expected) => {
    expect(anthropicPrepareTools({ tools: [weather], tool_choice: choice }).tool_choice).toEqual(expected);
  });

  it('turns parallel_tool_calls: false into disable_parallel_tool_use', () => {
    expect(anthropicPrepareTools({ tools: [weather], parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(anthropicPrepareTools({ tools: [weather], tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(anthropicPrepareTools({ tools: [weather], parallel_tool_calls: true }).tool_choice).toBeUndefined();
  });

  it('sends neither tools nor tool_choice without tools (Anthropic refuses an empty list)', () => {
    expect(anthropicPrepareTools({})).toEqual({});
    expect(anthropicPrepareTools({ tools: [], tool_choice: 'auto' })).toEqual({});
  });

  it('refuses a malformed tool_choice, naming it', () => {
    expect(() => anthropicPrepareTools({ tools: [weather], tool_choice: 'always' })).toThrow(BadRequestError);
    expect(() => anthropicPrepareTools({ tools: [weather], tool_choice: 'always' })).toThrow(expect.objectContaining({ param: 'tool_choice' }));
  });

  it('refuses a tool of another type unless drop_params, and a function without a name', () => {
    const search = { type: 'web_search_preview' };
    expect(() => anthropicPrepareTools({ tools: [weather, search] })).toThrow(expect.objectContaining({ param: 'tools[1].type' }));
    expect(anthropicPrepareTools({ tools: [weather, search] }, true).tools).toHaveLength(1);
    expect(() => anthropicPrepareTools({ tools: [{ type: 'function', function: {} }] })).toThrow(expect.objectContaining({ param: 'tools[0].function.name' }));
  });
});
