import { describe, expect, it } from 'vitest';
import { bearerAuth } from '../../src/proxy/bearer-auth.js';

describe('bearerAuth', () => {
  const allowed = bearerAuth('sk-1234');

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
});
