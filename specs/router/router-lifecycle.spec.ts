import { describe, expect, it } from 'vitest';
import { Router, ServiceUnavailableError } from '../../src/index.js';
import { collect } from '../support/collect.js';

const config = {
  model_list: [{ model_name: 'chat', litellm_params: { model: 'openai/gpt-4o', api_base: 'http://127.0.0.1:9/v1' } }],
};
const request = { model: 'chat', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('Router.close', () => {
  it('can be called twice: the second call resolves like the first', async () => {
    const router = new Router(config, { env: {} });
    await router.close();
    await expect(router.close()).resolves.toBeUndefined();
  });

  it('fails a call subscribed after close at once with 503 router_closed, with no upstream attempt', async () => {
    const router = new Router(config, { env: {} });
    const made = router.completion$(request); // made before close, subscribed after: cold
    await router.close();
    const { error } = await collect(made);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, code: 'router_closed', attempts: [] });
    await expect(router.completion(request)).rejects.toMatchObject({ code: 'router_closed' });
  });
});
