import { describe, expect, it } from 'vitest';
import { normalizeAnthropicBaseUrl } from '../../../src/providers/anthropic/normalize-anthropic-base-url.js';

describe('normalizeAnthropicBaseUrl', () => {
  it.each([
    ['https://api.anthropic.com', 'https://api.anthropic.com/v1/messages'],
    ['https://api.anthropic.com/', 'https://api.anthropic.com/v1/messages'],
    ['https://api.anthropic.com/v1', 'https://api.anthropic.com/v1/messages'],
    ['https://api.anthropic.com/v1/messages', 'https://api.anthropic.com/v1/messages'],
    ['https://gw.example/anthropic/v1/', 'https://gw.example/anthropic/v1/messages'],
    ['http://127.0.0.1:8080/proxy', 'http://127.0.0.1:8080/proxy/v1/messages'],
  ])('%s → %s', (apiBase, endpoint) => {
    expect(normalizeAnthropicBaseUrl(apiBase)).toBe(endpoint);
  });
});
