import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../src/config/parse-proxy-config.js';
import { parseRouterConfig } from '../../src/config/parse-router-config.js';
import { configIssues } from '../support/config-issues.js';

const modelList = [{ model_name: 'm', litellm_params: { model: 'openai/m', mock_response: 'hi' } }];

const issues = configIssues;

describe('router_settings.redis_*: where a fleet shares deployment state', () => {
  it('no redis_host and no redis_url: no Redis, even with REDIS_HOST set (as LiteLLM, the variables alone turn nothing on)', () => {
    expect(parseRouterConfig({ model_list: modelList }, { REDIS_HOST: 'cache', REDIS_PORT: '6380' }).redis).toBeUndefined();
  });

  it('redis_host with redis_port and redis_password, the password kept off the enumerable keys', () => {
    const { redis } = parseRouterConfig({ model_list: modelList, redis_host: 'cache', redis_port: 6380, redis_password: 'pw' }, {});
    expect(redis).toEqual({ url: undefined, host: 'cache', port: 6380 });
    expect(redis?.password).toBe('pw');
    expect(JSON.stringify(redis)).not.toContain('pw');
  });

  it('a port or password the config leaves out comes from REDIS_PORT / REDIS_PASSWORD; the config wins over them', () => {
    const env = { REDIS_PORT: '6390', REDIS_PASSWORD: 'from-env' };
    const fromEnv = parseRouterConfig({ model_list: modelList, redis_host: 'cache' }, env).redis;
    expect(fromEnv).toEqual({ url: undefined, host: 'cache', port: 6390 });
    expect(fromEnv?.password).toBe('from-env');
    const given = parseRouterConfig({ model_list: modelList, redis_host: 'cache', redis_port: '7000', redis_password: 'mine' }, env).redis;
    expect(given?.port).toBe(7000);
    expect(given?.password).toBe('mine');
  });

  it('redis_url, as LiteLLM takes it (the URL carries host, port and credentials)', () => {
    expect(parseRouterConfig({ model_list: modelList, redis_url: 'redis://:pw@cache:6381/2' }, {}).redis).toEqual({
      url: 'redis://:pw@cache:6381/2',
      host: undefined,
      port: undefined,
    });
  });

  it('router_settings of a config.yaml, os.environ/ references resolved, and no longer an ignored key', () => {
    const config = parseProxyConfig(
      {
        model_list: modelList,
        router_settings: { redis_host: 'os.environ/REDIS_HOST', redis_port: 'os.environ/REDIS_PORT', redis_password: 'os.environ/REDIS_PASSWORD' },
      },
      { REDIS_HOST: 'cache', REDIS_PORT: '6379', REDIS_PASSWORD: 'pw' },
    );
    expect(config.settings.redis).toEqual({ url: undefined, host: 'cache', port: 6379 });
    expect(config.ignoredKeys).toEqual([]);
  });

  it('a bad port or URL is an error naming the key, never printing the password', () => {
    expect(issues(() => parseRouterConfig({ model_list: modelList, redis_host: 'cache', redis_port: 70000 }, {}))).toEqual([
      'redis_port: expected a port number (1-65535), got number 70000',
    ]);
    const [urlIssue, ...rest] = issues(() => parseRouterConfig({ model_list: modelList, redis_url: 'http://user:secret@cache:6379' }, {}));
    expect(rest).toEqual([]);
    expect(urlIssue).toMatch(/^redis_url: expected a redis:\/\/ or rediss:\/\/ URL, got /);
    expect(urlIssue).not.toContain('secret');
  });
});
