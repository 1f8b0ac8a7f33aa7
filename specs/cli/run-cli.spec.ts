import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

  it('--num_workers 0 or abc (or NUM_WORKERS=abc) names the flag (the variable), prints the usage and returns 2', async () => {
    for (const [argv, env, named] of [
      [['--num_workers', '0'], {}, '--num_workers: expected a whole number of worker processes, 1 or more, got "0"'],
      [['--num_workers', 'abc'], {}, '--num_workers: expected a whole number of worker processes, 1 or more, got "abc"'],
      [[], { NUM_WORKERS: 'abc' }, 'NUM_WORKERS: expected a whole number of worker processes, 1 or more, got "abc"'],
    ] as const) {
      const { io, stderr, stdout } = fakeIo(env);
      expect(await runCli(['--config', configPath, '--port', '0', ...argv], io)).toBe(2);
      expect(stderr.join('\n').startsWith(`rxllm: ${named}\n`)).toBe(true);
      expect(stderr.join('\n')).toContain('Usage: rxllm');
      expect(stdout).toEqual([]);
    }
  });

  it('with --num_workers 2, a bad config is reported once, before any worker is forked, and returns 1', async () => {
    const bad = join(dir, 'bad-workers.yaml');
    await writeFile(bad, 'model_list:\n  - model_name: a\n    litellm_params: { model: openai/a, timeout: -1 }\n');
    const { io, stderr, stdout } = fakeIo();
    // Were it to fork, the worker would be this test runner's own entry script: the spec would hang or crash.
    expect(await runCli(['--config', bad, '--port', '0', '--num_workers', '2'], io)).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]?.match(/model_list\[0\]\.litellm_params\.timeout: expected a positive number of seconds/g)).toHaveLength(1);
    expect(stdout).toEqual([]);
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

  it('--version prints the package version and returns 0', async () => {
    const { io, stdout } = fakeIo();
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await runCli(['--version'], io)).toBe(0);
    expect(stdout).toEqual([`rxllm ${version}`]);
  });

  it('a bad LITELLM_LOG names the variable and returns 2', async () => {
    const { io, stderr } = fakeIo({ LITELLM_LOG: 'loud' });
    expect(await runCli(['--config', configPath, '--port', '0'], io)).toBe(2);
    expect(stderr.join('\n')).toContain('LITELLM_LOG: expected one of DEBUG, INFO, WARNING, ERROR, got "loud"');
  });

  /** Serves `configPath` with `argv` and `env`, makes one call to `model`, stops, and returns every line logged. */
  async function oneCall(argv: string[], env: Record<string, string>, model: string): Promise<string[]> {
    const { io, stdout, signals } = fakeIo(env);
    const lines: string[] = [];
    const exit = runCli(['--config', configPath, '--port', '0', ...argv], { ...io, stdout: (line) => (stdout.push(line), lines.push(line)) });
    const url = await new Promise<string>((resolve, reject) => {
      const started = Date.now();
      const look = (): void => {
        const found = /url=(\S+)/.exec(lines.find((line) => line.includes('listening')) ?? '')?.[1];
        if (found !== undefined) return resolve(found);
        if (Date.now() - started > 10_000) return reject(new Error('no listening line'));
        setTimeout(look, 5);
      };
      look();
    });
    await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }] }),
    }).then((response) => response.text());
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await exit).toBe(0);
    return lines;
  }

  it('--debug (and --detailed_debug) logs a call and each of its attempts as level=debug lines', async () => {
    for (const flag of ['--debug', '--detailed_debug']) {
      const lines = await oneCall([flag], {}, 'fast');
      expect(lines.filter((line) => line.includes('level=debug')).map((line) => /msg=(\w+)/.exec(line)?.[1]), flag).toEqual([
        'callStarted',
        'attemptStarted',
        'attemptSucceeded',
        'callSucceeded',
      ]);
    }
    expect((await oneCall([], {}, 'fast')).some((line) => line.includes('level=debug'))).toBe(false);
  });

  it('LITELLM_LOG=WARNING keeps the warnings and errors only: a good call logs nothing, an unknown model a warn line', async () => {
    const good = await oneCall([], { LITELLM_LOG: 'WARNING' }, 'fast');
    // The startup lines are written whatever the level; nothing at info after them.
    const afterStartup = good.slice(good.findIndex((line) => line.includes('msg="auth')) + 1);
    expect(afterStartup.filter((line) => line.includes('level=info'))).toEqual([]);
    expect((await oneCall([], {}, 'fast')).some((line) => line.includes('msg=request'))).toBe(true);
    const bad = await oneCall([], { LITELLM_LOG: 'WARNING' }, 'nope');
    expect(bad.filter((line) => line.includes('msg=request'))).toEqual([expect.stringContaining('level=warn')]);
    expect(bad.some((line) => line.includes('status=404'))).toBe(true);
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
