import { describe, expect, it } from 'vitest';
import { publicApiBase } from '../../src/proxy/public-api-base.js';

describe('publicApiBase', () => {
  it('keeps a plain base URL as configured', () => {
    expect(publicApiBase('https://api.openai.com/v1')).toBe('https://api.openai.com/v1');
    expect(publicApiBase('http://127.0.0.1:8000')).toBe('http://127.0.0.1:8000');
    expect(publicApiBase('http://127.0.0.1:8000/')).toBe('http://127.0.0.1:8000/');
  });

  it('masks user, password and every query value', () => {
    expect(publicApiBase('https://u:sk-1@h.example/v1?key=sk-2&x=1&x=2')).toBe('https://***:***@h.example/v1?key=***&x=***');
    expect(publicApiBase('https://sk-only@h.example')).toBe('https://***@h.example');
  });

  it('withholds what is no URL at all', () => {
    expect(publicApiBase('sk-not-a-url')).toBe('***');
  });
});
