import { describe, expect, it } from 'vitest';
import { parseRouterConfig } from '../../src/config/parse-router-config.js';
import { requestDefaults } from '../../src/config/request-defaults.js';

describe('requestDefaults', () => {
  it("takes the OpenAI request fields of litellm_params, and extra_body's fields", () => {
    expect(requestDefaults({ model: 'openai/x', api_key: 'k', timeout: 3, temperature: 0.2, max_tokens: 50, stop: ['\n'], extra_body: { top_k: 5 } })).toEqual({
      temperature: 0.2,
      max_tokens: 50,
      stop: ['\n'],
      top_k: 5,
    });
  });

  it('is undefined when there are none, so a call pays nothing for it', () => {
    expect(requestDefaults({ model: 'openai/x', api_key: 'k', rpm: 5 })).toBeUndefined();
  });
});

describe('parseRouterConfig: litellm_params applied to calls', () => {
  it('keeps the defaults and lower-cased extra_headers on the deployment', () => {
    const [deployment] = parseRouterConfig(
      { model_list: [{ model_name: 'g', litellm_params: { model: 'openai/x', api_key: 'k', temperature: 0, extra_headers: { 'X-Team': 'a' } } }] },
      {},
    ).deployments;
    expect(deployment?.requestDefaults).toEqual({ temperature: 0 });
    expect(deployment?.extraHeaders).toEqual({ 'x-team': 'a' });
  });

  it('names extra_headers that are not strings', () => {
    expect(() =>
      parseRouterConfig({ model_list: [{ model_name: 'g', litellm_params: { model: 'openai/x', extra_headers: { 'x-n': 1 as unknown as string } } }] }, {}),
    ).toThrow(/model_list\[0\]\.litellm_params\.extra_headers\.x-n: expected a string header value/);
  });
});
