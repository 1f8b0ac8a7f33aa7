import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { messages, postChat, startTestProxy, type TestProxy } from './test-proxy.js';

const masterKey = 'sk-master-0123456789';
const config: RouterConfig = {
  model_list: [{ model_name: 'fast', litellm_params: { model: 'openai/fast', mock_response: 'ok' } }],
};

describe('with a master_key', () => {
  let proxy: TestProxy;

  beforeEach(async () => {
    proxy = await startTestProxy(config, { masterKey });
  });

  afterEach(async () => {
    await proxy.close();
  });

  it('lets a request with the right Bearer key in', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages }, { authorization: `Bearer ${masterKey}` });
    expect(response.status).toBe(200);
    const models = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${masterKey}` } });
    expect(models.status).toBe(200);
  });

  it('answers 401 without a key, with a wrong key, or with a key that only shares a prefix', async () => {
    for (const authorization of [undefined, 'Bearer sk-wrong', `Bearer ${masterKey}x`, `Bearer ${masterKey.slice(0, -1)}`, masterKey]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const response = await postChat(proxy.url, { model: 'fast', messages }, headers);
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { type: string; message: string } };
      expect(body.error.type).toBe('authentication_error');
      expect(JSON.stringify(body)).not.toContain(masterKey.slice(3));
    }
    expect((await fetch(`${proxy.url}/v1/models`)).status).toBe(401);
  });

  it("takes the key in LiteLLM's x-litellm-api-key header (with or without Bearer) and in Azure's api-key header", async () => {
    for (const headers of [{ 'x-litellm-api-key': masterKey }, { 'x-litellm-api-key': `Bearer ${masterKey}` }, { 'api-key': masterKey }]) {
      const response = await postChat(proxy.url, { model: 'fast', messages }, headers);
      expect(response.status, JSON.stringify(Object.keys(headers))).toBe(200);
    }
    // A wrong key in one header is not saved by nothing in the others; a right one anywhere lets the request in.
    expect((await postChat(proxy.url, { model: 'fast', messages }, { 'x-litellm-api-key': 'sk-wrong' })).status).toBe(401);
    expect((await postChat(proxy.url, { model: 'fast', messages }, { 'api-key': `${masterKey}x` })).status).toBe(401);
    expect((await postChat(proxy.url, { model: 'fast', messages }, { authorization: 'Bearer sk-other', 'x-litellm-api-key': masterKey })).status).toBe(200);
  });

  it('says invalid, not missing, when a key came in any of the headers', async () => {
    const response = await postChat(proxy.url, { model: 'fast', messages }, { 'api-key': 'sk-wrong' });
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
    const none = await postChat(proxy.url, { model: 'fast', messages });
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
  });

  it('keeps the health probes open', async () => {
    expect((await fetch(`${proxy.url}/health/liveliness`)).status).toBe(200);
    expect((await fetch(`${proxy.url}/health/readiness`)).status).toBe(200);
  });

  it('never writes a key to the log', async () => {
    await postChat(proxy.url, { model: 'fast', messages }, { authorization: `Bearer ${masterKey}` });
    await postChat(proxy.url, { model: 'fast', messages }, { authorization: 'Bearer sk-wrong-key-987' });
    expect(proxy.lines).toHaveLength(2);
    for (const line of proxy.lines) {
      expect(line).not.toContain(masterKey);
      expect(line).not.toContain('sk-wrong-key-987');
    }
  });
});

describe('without a master_key', () => {
  it('lets every request in', async () => {
    const proxy = await startTestProxy(config);
    try {
      const response = await postChat(proxy.url, { model: 'fast', messages }, { authorization: 'Bearer anything' });
      expect(response.status).toBe(200);
      expect((await postChat(proxy.url, { model: 'fast', messages })).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });
});
