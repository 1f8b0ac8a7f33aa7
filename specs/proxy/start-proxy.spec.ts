import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, startProxy } from '../../src/index.js';

let dir: string;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rxllm-start-proxy-'));
  configPath = join(dir, 'config.yaml');
  await writeFile(configPath, 'model_list:\n  - model_name: fast\n    litellm_params: { model: openai/fast, mock_response: embedded }\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function ask(url: string): Promise<{ status: number; content: unknown }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  const body = (await response.json()) as { choices?: { message: { content: unknown } }[] };
  return { status: response.status, content: body.choices?.[0]?.message.content };
}

describe('startProxy (the proxy embedded in your own process)', () => {
  it('serves a config.yaml path on a free port, logs through `log`, and stops with close()', async () => {
    const lines: string[] = [];
    const proxy = await startProxy({ config: configPath, port: 0, log: (line) => lines.push(line) });
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await ask(proxy.url)).toEqual({ status: 200, content: 'embedded' });
    await proxy.close();
    expect(lines.some((line) => line.includes('msg=request') && line.includes('status=200'))).toBe(true);
    await expect(fetch(`${proxy.url}/health/liveliness`)).rejects.toThrow();
    // The router is closed with it: a call made through it now fails at once.
    await expect(proxy.router.completion({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] })).rejects.toMatchObject({ code: 'router_closed' });
  });

  it('takes a config loaded with loadConfig', async () => {
    const config = await loadConfig(configPath);
    const proxy = await startProxy({ config, port: 0, log: () => undefined });
    try {
      expect(await ask(proxy.url)).toEqual({ status: 200, content: 'embedded' });
    } finally {
      await proxy.close();
    }
  });

  it('passes the receive limits on to the server (30 s and 300 s unless given)', async () => {
    const defaults = await startProxy({ config: configPath, port: 0, log: () => undefined });
    const short = await startProxy({ config: configPath, port: 0, log: () => undefined, headersTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
    expect([defaults.server.server.headersTimeout, defaults.server.server.requestTimeout]).toEqual([30_000, 300_000]);
    expect([short.server.server.headersTimeout, short.server.server.requestTimeout]).toEqual([2_000, 5_000]);
    await Promise.all([defaults.close(), short.close()]);
  });

  it('rejects with a ConfigError listing path: message for a bad config', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'model_list:\n  - model_name: fast\n    litellm_params: { model: openai/fast, timeout: -1 }\n');
    const error = await startProxy({ config: bad, port: 0 }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(['model_list[0].litellm_params.timeout']);
  });

  it('rejects with the listen error when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      await expect(startProxy({ config: configPath, port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
