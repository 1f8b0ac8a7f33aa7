import { describe, expect, it } from 'vitest';
import { deepestField, maxBodyDepth } from '../../src/router/deepest-field.js';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { k: value };
  return value;
}

describe('deepestField', () => {
  it('names the top-level field that nests deeper than the limit, counting the body as level 1', () => {
    // The body, then [ { k: [ 'leaf' ] } ]: levels 1 to 4.
    expect(deepestField({ model: 'm', tools: nested(3) }, 4)).toBeUndefined();
    expect(deepestField({ model: 'm', tools: nested(3) }, 3)).toBe('tools');
  });

  it('finds the deep branch anywhere in a wide value', () => {
    const messages = [{ role: 'user', content: 'a' }, { role: 'user', content: [{ type: 'text', text: 'b', extra: nested(200) }] }];
    expect(deepestField({ model: 'm', messages })).toBe('messages');
  });

  it('measures any depth without overflowing the stack', () => {
    const text = `{"tools":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    expect(deepestField(JSON.parse(text) as Record<string, unknown>)).toBe('tools');
  });

  it('takes an ordinary request, and one as deep as the limit', () => {
    const request = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'json_schema', json_schema: { schema: { type: 'object' } } } };
    expect(deepestField(request)).toBeUndefined();
    expect(deepestField({ tools: nested(maxBodyDepth - 1) })).toBeUndefined();
    expect(deepestField({ tools: nested(maxBodyDepth) })).toBe('tools');
  });
});
