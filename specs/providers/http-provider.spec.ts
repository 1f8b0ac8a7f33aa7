import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { supportedProviders } from '../../src/config/provider-params.js';
import { BadRequestError } from '../../src/errors/error-classes.js';
import { createHttpProvider, wireFormats } from '../../src/providers/http-provider.js';
import { collect } from '../support/collect.js';
import { type FakeUpstream, startFakeUpstream } from '../support/fake-upstream.js';
import { testDeployment } from '../support/test-deployment.js';

let upstream: FakeUpstream;
let agent: Agent;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
});
afterEach(async () => {
  await agent.destroy();
  await upstream.close();
});

const messages = [{ role: 'user', content: 'Hi' }];

describe('createHttpProvider', () => {
  it('has an adapter for every provider prefix the config accepts', () => {
    expect([...wireFormats.keys()].sort()).toEqual([...supportedProviders].sort());
  });

  it("sends each call in its deployment's wire format", async () => {
    const provider = createHttpProvider({ dispatcher: agent });
    const root = upstream.apiBase.replace(/\/v1$/, '');
    const openai = testDeployment({ apiBase: upstream.apiBase, model: 'gpt-a', apiKey: 'sk-a' });
    const azure = testDeployment({ apiBase: root, model: 'prod-4o', apiKey: 'az-b', provider: 'azure', apiVersion: '2024-10-21' });
    await collect(provider.call({ deployment: openai, body: { model: 'gpt-a', messages }, stream: false }));
    await collect(provider.call({ deployment: azure, body: { model: 'prod-4o', messages }, stream: false }));
    expect(upstream.requests.map(({ path }) => path)).toEqual([
      '/v1/chat/completions',
      '/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21',
    ]);
  });

  it('fails a deployment of an unknown provider with a typed error, sending nothing', async () => {
    const provider = createHttpProvider({ dispatcher: agent });
    const deployment = testDeployment({ apiBase: upstream.apiBase, model: 'x', provider: 'cohere' });
    const { error } = await collect(provider.call({ deployment, body: { model: 'x', messages }, stream: false }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('"cohere"');
    expect(upstream.requests).toHaveLength(0);
  });
});
