import { describe, expect, it } from 'vitest';
import { bearerAuth, presentedKeys } from '../../src/proxy/bearer-auth.js';

describe('bearerAuth', () => {
  const check = bearerAuth('sk-1234');
  const allowed = (authorization: string | undefined) => check(authorization === undefined ? {} : { authorization });

  it('accepts the key as a Bearer token, the scheme in any case', () => {
    expect(allowed('Bearer sk-1234')).toBe(true);
    expect(allowed('bearer sk-1234')).toBe(true);
    expect(allowed('Bearer   sk-1234 ')).toBe(true);
  });

  it('rejects a missing header, another scheme, and any other key', () => {
    expect(allowed(undefined)).toBe(false);
    expect(allowed('sk-1234')).toBe(false);
    expect(allowed('Basic sk-1234')).toBe(false);
    expect(allowed('Bearer ')).toBe(false);
    expect(allowed('Bearer sk-123')).toBe(false);
    expect(allowed('Bearer sk-12345')).toBe(false);
    expect(allowed('Bearer SK-1234')).toBe(false);
  });

  it("accepts LiteLLM's x-litellm-api-key (Bearer optional) and Azure's api-key", () => {
    expect(check({ 'x-litellm-api-key': 'sk-1234' })).toBe(true);
    expect(check({ 'x-litellm-api-key': 'Bearer sk-1234' })).toBe(true);
    expect(check({ 'api-key': 'sk-1234' })).toBe(true);
    expect(check({ 'api-key': 'sk-12345' })).toBe(false);
    expect(check({ 'x-litellm-api-key': '' })).toBe(false);
  });

  it('reads one key per header, a repeated header as none', () => {
    expect(presentedKeys({ authorization: 'Bearer a', 'x-litellm-api-key': 'b', 'api-key': 'c' })).toEqual(['a', 'b', 'c']);
    expect(presentedKeys({ 'api-key': ['sk-1234', 'sk-1234'] as unknown as string })).toEqual([]);
  });
});
