import { describe, expect, it } from 'vitest';
import { deploymentSchema, litellmParamsSchema, routerConfigSchema, routingStrategies } from '../../src/config/router-config-schema.js';

const deployment = { model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o' } };

describe('routerConfigSchema', () => {
  it('rejects keys it does not know at the top level (a typo must not keep a default)', () => {
    const result = routerConfigSchema.safeParse({ model_list: [deployment], stream_timeuot: 5 });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toMatchObject([{ code: 'unrecognized_keys', keys: ['stream_timeuot'] }]);
  });

  it('accepts every routing strategy LiteLLM names', () => {
    for (const routing_strategy of routingStrategies) {
      expect(routerConfigSchema.safeParse({ model_list: [deployment], routing_strategy }).success).toBe(true);
    }
  });

  it('keeps numbers given as strings as numbers', () => {
    const result = routerConfigSchema.parse({ model_list: [deployment], timeout: '30', num_retries: '1', disable_cooldowns: 'true' });
    expect(result).toMatchObject({ timeout: 30, num_retries: 1, disable_cooldowns: true });
  });
});

describe('deploymentSchema', () => {
  it('rejects unknown keys beside model_name, litellm_params and model_info', () => {
    expect(deploymentSchema.safeParse({ ...deployment, litelm_params: {} }).success).toBe(false);
  });

  it('turns a numeric model_info.id into a string and keeps other model_info keys', () => {
    expect(deploymentSchema.parse({ ...deployment, model_info: { id: 7, mode: 'chat' } }).model_info).toEqual({ id: '7', mode: 'chat' });
  });

  it('rejects an empty model_info.id', () => {
    expect(deploymentSchema.safeParse({ ...deployment, model_info: { id: '' } }).success).toBe(false);
  });
});

describe('litellmParamsSchema', () => {
  it("keeps LiteLLM's params that rxllm does not act on", () => {
    expect(litellmParamsSchema.parse({ model: 'openai/x', max_tokens: 5, drop_params: true })).toEqual({ model: 'openai/x', max_tokens: 5, drop_params: true });
  });

  it('requires model', () => {
    expect(litellmParamsSchema.safeParse({ api_base: 'http://x' }).success).toBe(false);
  });

  it.each([
    ['timeout', 0],
    ['stream_timeout', -1],
    ['stream_idle_timeout', 'x'],
    ['num_retries', 0.5],
    ['cooldown_time', -1],
    ['rpm', 0],
    ['tpm', -5],
    ['weight', -1],
    ['order', 1.5],
    ['max_parallel_requests', 0],
    ['mock_timeout', 'sometimes'],
    ['api_base', ''],
  ])('rejects %s = %o', (key, value) => {
    expect(litellmParamsSchema.safeParse({ model: 'openai/x', [key]: value }).success).toBe(false);
  });
});
