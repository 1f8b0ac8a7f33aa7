import { describe, expect, it } from 'vitest';
import { anthropicDispatchOptions } from '../../../src/providers/anthropic/anthropic-dispatch-options.js';
import { testDeployment } from '../../support/test-deployment.js';

const body = { model: 'claude-sonnet-4', messages: [{ role: 'user', content: 'Hi' }] };

function anthropic(fields: Partial<Parameters<typeof testDeployment>[0]> = {}) {
  return testDeployment({ provider: 'anthropic', apiBase: 'https://api.anthropic.com', model: 'claude-sonnet-4', apiKey: 'sk-ant-key', ...fields });
}

describe('anthropicDispatchOptions', () => {
  it('POSTs to {api_base}/v1/messages with the key in x-api-key and the API version', () => {
    const options = anthropicDispatchOptions({ deployment: anthropic(), body, stream: false });
    expect(options).toMatchObject({ origin: 'https://api.anthropic.com', path: '/v1/messages', method: 'POST' });
    expect(options.headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant-key',
    });
    expect(String(options.path)).not.toContain('sk-ant-key');
  });

  it('sends the translated body, asking for a stream when streaming', () => {
    const options = anthropicDispatchOptions({ deployment: anthropic(), body: { ...body, stream: true }, stream: true });
    expect(JSON.parse(String(options.body))).toEqual({ model: 'claude-sonnet-4', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    expect(options.headers).toMatchObject({ accept: 'text/event-stream' });
  });

  it("keeps a gateway's path", () => {
    expect(anthropicDispatchOptions({ deployment: anthropic({ apiBase: 'http://127.0.0.1:9/anthropic' }), body, stream: false }).path).toBe('/anthropic/v1/messages');
  });

  it("refuses what Anthropic cannot take, unless the deployment's drop_params", () => {
    const withSeed = { ...body, seed: 1 };
    expect(() => anthropicDispatchOptions({ deployment: anthropic(), body: withSeed, stream: false })).toThrow(expect.objectContaining({ param: 'seed' }));
    const dropped = anthropicDispatchOptions({ deployment: anthropic({ dropParams: true }), body: withSeed, stream: false });
    expect(JSON.parse(String(dropped.body))).not.toHaveProperty('seed');
  });
});
