import { describe, expect, it } from 'vitest';
import { describeUrl, isHttpUrl } from '../../src/config/http-url.js';

describe('isHttpUrl', () => {
  it.each(['http://localhost:8000', 'https://api.openai.com/v1', 'http://[::1]:4010/v1', 'https://user:pw@host/v1', 'HTTPS://HOST'])(
    'accepts %s',
    (text) => {
      expect(isHttpUrl(text)).toBe(true);
    },
  );

  it.each(['localhost:8000', '127.0.0.1:8000', 'ftp://x', 'file:///etc/passwd', 'not a url', 'http://', 'https://', '', '/v1', 'http://host:99999'])(
    'rejects %o',
    (text) => {
      expect(isHttpUrl(text)).toBe(false);
    },
  );
});

describe('describeUrl', () => {
  it('quotes a short or URL-shaped value as given', () => {
    expect(describeUrl('localhost:8000')).toBe('"localhost:8000"');
    expect(describeUrl('not a url')).toBe('"not a url"');
    expect(describeUrl('ftp://x/v1')).toBe('"ftp://x/v1"');
  });

  it('replaces credentials, wherever the authority starts, up to its last @', () => {
    expect(describeUrl('ftp://alice:pw@host/v1')).toBe('"ftp://***@host/v1"');
    expect(describeUrl('alice:pw@host:8000')).toBe('"***@host:8000"');
    expect(describeUrl('http://u:p@ss@host')).toBe('"http://***@host"');
    // An @ in the path is no credential.
    expect(describeUrl('ftp://host/a@b')).toBe('"ftp://host/a@b"');
  });

  it('replaces every query value', () => {
    expect(describeUrl('ftp://host/v1?key=sk-1&api-version=2024;sig=abc')).toBe('"ftp://host/v1?key=***&api-version=***;sig=***"');
  });

  it('never quotes a long value with no URL punctuation (a key in the wrong field)', () => {
    expect(describeUrl('sk-proj-0123456789abcdef')).toBe('a string of 24 characters');
  });

  it('cuts a very long value', () => {
    const shown = describeUrl(`ftp://host/${'a'.repeat(500)}`);
    expect(shown.length).toBeLessThan(130);
    expect(shown.endsWith('…"')).toBe(true);
  });

  it('describes a value that is not a string by its type', () => {
    expect(describeUrl(8000)).toBe('number 8000');
    expect(describeUrl(undefined)).toBe('nothing');
  });
});
