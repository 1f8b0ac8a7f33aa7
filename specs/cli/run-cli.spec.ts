import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/run-cli.js';
import { waitUntil } from '../support/wait-until.js';

// runCli in-process, with its output captured and signals sent through an EventEmitter.

function fakeIo(env: Record<string, string> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const signals = new EventEmitter();
  const io: CliIo = { stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line), env, signals };
  return { io, stdout, stderr, signals };
}

let dir: string;
let configPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rxllm-run-cli-'));
  configPath = join(dir, 'config.yaml');
  await writeFile(configPath, 'model_list:\n  - model_name: fast\n    litellm_params: { model: openai/fast, mock_response: hi }\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runCli', () => {
  it('--help prints the usage and returns 0', async () => {
    const { io, stdout } = fakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(stdout.join('\n')).toContain('Usage: rxllm');
  });

  it('a bad flag prints the problem and the usage, and returns 2', async () => {
    const { io, stderr, stdout } = fakeIo();
    expect(await runCli(['--port', 'eighty'], io)).toBe(2);
    expect(stderr.join('\n')).toMatch(/^rxllm: --port: expected a whole number/);
    expect(stderr.join('\n')).toContain('Usage: rxllm');
    expect(stdout).toEqual([]);
  });

  it('a config file that does not exist returns 1 with path: message', async () => {
    const { io, stderr } = fakeIo();
    const missing = join(dir, 'nope.yaml');
    expect(await runCli(['--config', missing], io)).toBe(1);
    expect(stderr.join('\n')).toContain(`${missing}: cannot read the config file (no such file)`);
  });

  it('a port in use returns 1 with the reason', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const { io, stderr } = fakeIo();
      expect(await runCli(['--config', configPath, '--port', String(port)], io)).toBe(1);
      expect(stderr.join('\n')).toMatch(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves until SIGTERM, then returns 0', async () => {
    const { io, stdout, signals } = fakeIo();
    const exit = runCli(['--config', configPath, '--port', '0'], io);
    await waitUntil(() => stdout.some((line) => line.includes('listening')), 10_000, 'the listening line');
    const url = /url=(\S+)/.exec(stdout.find((line) => line.includes('listening')) ?? '')?.[1];
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(response.status).toBe(200);
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout.some((line) => line.includes('msg=stopped'))).toBe(true);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  describe('a second signal', () => {
    const slowConfig = `model_list:
  - model_name: slow            # answers after ~1.5 s: its stream_timeout fires, then the fallback answers
    litellm_params: { model: openai/slow, mock_timeout: true, stream_timeout: 1.5, num_retries: 0 }
  - model_name: fast
    litellm_params: { model: openai/fast, mock_response: drained fine }
router_settings:
  fallbacks: [{ slow: [fast] }]
`;

    async function serveSlowCall(): Promise<{ exit: Promise<number>; stdout: string[]; signals: EventEmitter; call: Promise<Response> }> {
      const path = join(dir, 'slow.yaml');
      await writeFile(path, slowConfig);
      const { io, stdout, signals } = fakeIo();
      const exit = runCli(['--config', path, '--port', '0'], io);
      await waitUntil(() => stdout.some((line) => line.includes('listening')), 10_000, 'the listening line');
      const url = /url=(\S+)/.exec(stdout.find((line) => line.includes('listening')) ?? '')?.[1];
      const call = fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'slow', stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      return { exit, stdout, signals, call };
    }

    it('the same signal twice at once (Ctrl-C reaching npm and node) is one stop: in-flight calls still drain', async () => {
      const { exit, stdout, signals, call } = await serveSlowCall();
      signals.emit('SIGINT', 'SIGINT');
      signals.emit('SIGINT', 'SIGINT');
      const response = await call;
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('data: [DONE]');
      expect(await exit).toBe(0);
      expect(stdout.join('\n')).not.toContain('second signal');
    });

    it('a later second signal aborts the in-flight calls at once', async () => {
      const { exit, stdout, signals, call } = await serveSlowCall();
      signals.emit('SIGTERM', 'SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 550));
      signals.emit('SIGTERM', 'SIGTERM');
      const response = await call;
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
      expect(await exit).toBe(0);
      expect(stdout.join('\n')).toContain('msg="second signal: aborting in-flight calls" signal=SIGTERM');
    });
  });
});
