// litellm_params that LiteLLM sends on every call (temperature, max_tokens, stop, extra_body,
// extra_headers, ...) reach the upstream; a request's own values win.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../src/config/parse-proxy-config.js';
import { Router } from '../../src/router/router.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

let upstream: FakeUpstream;
let router: Router;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  router = new Router(
    {
      model_list: [
        {
          model_name: 'g',
          litellm_params: {
            model: 'openai/gpt-defaults',
            api_base: upstream.apiBase,
            api_key: 'sk-provider',
            temperature: 0.1,
            max_tokens: 64,
            stop: ['END'],
            extra_body: { top_k: 4 },
            extra_headers: { 'X-Team': 'search', Authorization: 'Bearer not-the-key' },
          },
        },
      ],
    },
    { env: {} },
  );
});

afterAll(async () => {
  await router.close();
  await upstream.close();
});

describe("a deployment's litellm_params defaults", () => {
  it('are sent with every call, under the request’s own fields', async () => {
    await router.completion({ model: 'g', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.9 });
    const seen = upstream.requests.at(-1);
    expect(seen?.body).toEqual({
      model: 'gpt-defaults',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.9,
      max_tokens: 64,
      stop: ['END'],
      top_k: 4,
    });
  });

  it("send extra_headers upstream, never in place of the provider's own auth header", async () => {
    await router.completion({ model: 'g', messages: [{ role: 'user', content: 'Hi' }] });
    const seen = upstream.requests.at(-1);
    expect(seen?.headers['x-team']).toBe('search');
    expect(seen?.headers.authorization).toBe('Bearer sk-provider');
  });

  it('are not reported as ignored config keys any more', () => {
    const config = parseProxyConfig(
      { model_list: [{ model_name: 'g', litellm_params: { model: 'openai/x', mock_response: 'hi', temperature: 0.2, top_p: 0.5, unknown_knob: 1 } }] },
      {},
    );
    expect(config.ignoredKeys).toEqual(['model_list[0].litellm_params.unknown_knob']);
  });
});
