import { describe, expect, it } from 'vitest';
import { rememberUpstreamJson, upstreamJsonOf } from '../../src/providers/upstream-json.js';

const text = '{"id":"c1", "object":"chat.completion.chunk","choices":[]}';

function parsedChunk(): Record<string, unknown> {
  const value = JSON.parse(text) as Record<string, unknown>;
  rememberUpstreamJson(value, text);
  return value;
}

describe('rememberUpstreamJson / upstreamJsonOf', () => {
  it('gives back the text a value was parsed from', () => {
    expect(upstreamJsonOf(parsedChunk())).toBe(text);
  });

  it('has nothing for a value made any other way', () => {
    expect(upstreamJsonOf({ id: 'c1', object: 'chat.completion.chunk', choices: [] })).toBeUndefined();
  });

  it('leaves the value as it was for everyone else: keys, JSON, deep equality', () => {
    const value = parsedChunk();
    expect(Object.keys(value)).toEqual(['id', 'object', 'choices']);
    expect(JSON.stringify(value)).toBe('{"id":"c1","object":"chat.completion.chunk","choices":[]}');
    expect(value).toStrictEqual({ id: 'c1', object: 'chat.completion.chunk', choices: [] });
  });

  it('is not carried over to a copy, which may have been changed and must be serialised afresh', () => {
    const value = parsedChunk();
    const changed = { ...value, model: 'renamed' };
    expect(upstreamJsonOf(changed)).toBeUndefined();
    expect(upstreamJsonOf(Object.assign({}, value))).toBeUndefined();
    expect(upstreamJsonOf(structuredClone(value))).toBeUndefined();
  });

  it('keeps the latest text when a value is remembered twice', () => {
    const value = parsedChunk();
    rememberUpstreamJson(value, Buffer.from(text));
    expect(Buffer.isBuffer(upstreamJsonOf(value))).toBe(true);
  });
});
