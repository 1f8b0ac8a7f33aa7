import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../src/config/parse-proxy-config.js';
import { parseRouterConfig } from '../../src/config/parse-router-config.js';
import { configIssues } from '../support/config-issues.js';

const modelList = [{ model_name: 'm', litellm_params: { model: 'openai/m', mock_response: 'hi' } }];

const issues = configIssues;

describe('general_settings.background_health_checks / health_check_interval', () => {
  it('are off unless background_health_checks is true; the interval defaults to LiteLLM’s 300 s', () => {
    expect(parseProxyConfig({ model_list: modelList }, {}).healthCheckIntervalMs).toBeUndefined();
    expect(parseProxyConfig({ model_list: modelList, general_settings: { health_check_interval: 30 } }, {}).healthCheckIntervalMs).toBeUndefined();
    expect(parseProxyConfig({ model_list: modelList, general_settings: { background_health_checks: true } }, {}).healthCheckIntervalMs).toBe(300_000);
    expect(
      parseProxyConfig({ model_list: modelList, general_settings: { background_health_checks: 'true', health_check_interval: '2.5' } }, {}).healthCheckIntervalMs,
    ).toBe(2_500);
  });

  it('are read, not listed as ignored keys', () => {
    const config = parseProxyConfig({ model_list: modelList, general_settings: { background_health_checks: true, health_check_interval: 60 } }, {});
    expect(config.ignoredKeys).toEqual([]);
  });

  it('reject a bad value with the file’s path', () => {
    expect(issues(() => parseProxyConfig({ model_list: modelList, general_settings: { background_health_checks: 'yes', health_check_interval: 0 } }, {}))).toEqual([
      'general_settings.background_health_checks: expected true or false, got string "yes"',
      'general_settings.health_check_interval: expected a positive number of seconds, got number 0',
    ]);
  });
});

describe('model_info.mode / health_check_timeout', () => {
  it('become the deployment’s probe mode and timeout (ms)', () => {
    const settings = parseRouterConfig(
      { model_list: [{ ...modelList[0], model_info: { id: 'e', mode: 'embedding', health_check_timeout: 1.5 } }] } as never,
      {},
    );
    expect([settings.deployments[0]?.mode, settings.deployments[0]?.healthCheckTimeoutMs]).toEqual(['embedding', 1_500]);
  });

  it('reject a mode rxllm cannot probe and a non-positive timeout, naming the field', () => {
    expect(
      issues(() => parseRouterConfig({ model_list: [{ ...modelList[0], model_info: { mode: 'image_generation', health_check_timeout: -1 } }] } as never, {})),
    ).toEqual([
      'model_list[0].model_info.mode: expected one of chat, completion, embedding',
      'model_list[0].model_info.health_check_timeout: expected a positive number of seconds, got number -1',
    ]);
  });
});
