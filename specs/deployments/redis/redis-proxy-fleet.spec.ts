// Two rxllm proxies configured as LiteLLM's are (router_settings.redis_host / redis_port) on one
// real redis-server: a deployment one of them cools after a 429 is skipped by the other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../../src/config/parse-proxy-config.js';
import { isCooling } from '../../../src/deployments/deployment-state.js';
import type { DeploymentState } from '../../../src/deployments/deployment-state.js';
import { type RunningProxy, startProxy } from '../../../src/proxy/start-proxy.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { waitUntil } from '../../support/wait-until.js';

let redis: RedisServer;
const proxies: { proxy: RunningProxy; lines: string[] }[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const config = parseProxyConfig(
    {
      model_list: [
        { model_name: 'm', litellm_params: { model: 'openai/bad', mock_response: 'litellm.RateLimitError' }, model_info: { id: 'bad' } },
        { model_name: 'm', litellm_params: { model: 'openai/good', mock_response: 'ok' }, model_info: { id: 'good' } },
      ],
      router_settings: { redis_host: '127.0.0.1', redis_port: 'os.environ/REDIS_PORT', redis_password: 'os.environ/REDIS_PASSWORD', cooldown_time: 60, num_retries: 2 },
    },
    // No password on the test server: Redis accepts AUTH only when one is set, so give none.
    { REDIS_PORT: String(redis.port), REDIS_PASSWORD: '' },
  );
  for (let i = 0; i < 2; i += 1) {
    const lines: string[] = [];
    proxies.push({ proxy: await startProxy({ config, port: 0, log: (line) => lines.push(line) }), lines });
  }
});

afterAll(async () => {
  await Promise.all(proxies.map(({ proxy }) => proxy.close()));
  await redis.stop();
});

function state(proxy: RunningProxy, id: string): DeploymentState {
  let value: DeploymentState | undefined;
  proxy.router.deploymentState$(id).subscribe((next) => (value = next)).unsubscribe();
  if (value === undefined) throw new Error(`no state for ${id}`);
  return value;
}

async function chat(proxy: RunningProxy): Promise<{ status: number; deployment: string | null }> {
  const response = await fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return { status: response.status, deployment: response.headers.get('x-litellm-model-id') };
}

describe('two proxies sharing deployment state through Redis', () => {
  it('say which store they use, without the password, and connect', async () => {
    for (const { lines } of proxies) {
      expect(lines.find((line) => line.includes('msg="deployment store"'))).toMatch(/store=redis redis=redis:\/\/127\.0\.0\.1:\d+$/);
      await waitUntil(() => lines.some((line) => line.includes('redis connected')), 5_000, 'the connect line');
    }
  });

  it('a deployment cooled by a 429 through one proxy is skipped by the other', async () => {
    const [a, b] = proxies.map(({ proxy }) => proxy) as [RunningProxy, RunningProxy];
    for (let i = 0; i < 50 && !isCooling(state(a, 'bad'), Date.now()); i += 1) expect((await chat(a)).status).toBe(200);
    expect(isCooling(state(a, 'bad'), Date.now())).toBe(true);
    await waitUntil(() => isCooling(state(b, 'bad'), Date.now()), 2_000, 'proxy b to see the cooldown');
    const answers = await Promise.all(Array.from({ length: 20 }, () => chat(b)));
    expect(answers.every((answer) => answer.status === 200 && answer.deployment === 'good')).toBe(true);
    // Proxy b never sent a request to the cooled deployment itself.
    expect(state(b, 'bad').totals.started).toBe(0);
  });
});
