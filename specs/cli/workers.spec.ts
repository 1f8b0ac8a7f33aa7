import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait-until.js';
import { cliSandbox, spawnCli, type CliProcess } from './spawn-cli.js';

// `rxllm --num_workers N` as users run it: the real CLI (tsx, from source) as a child process, whose
// primary forks real node:cluster workers. Which worker answered is read from the request log line
// each worker writes (pid=...), and the workers' pids from the startup line: nothing test-only.

// Three node processes compiling TypeScript at once on a shared 2-core machine: startup alone can
// take several seconds, so the bounds are wide.
const startupMs = 45_000;
const specMs = 90_000;

const { running, file } = cliSandbox('rxllm-workers-');

function start(args: readonly string[], { detached = false } = {}): CliProcess {
  const cli = spawnCli(args, process.env, { detached });
  running.push(cli);
  return cli;
}

/** The URL and worker pids from the startup line. */
async function listening(cli: CliProcess): Promise<{ url: string; pids: number[] }> {
  const line = await cli.waitForLine(/msg="rxllm proxy listening"/, startupMs);
  const url = /url=(\S+)/.exec(line)?.[1];
  const pids = /pids=(\S+)/.exec(line)?.[1]?.split(',').map(Number);
  if (url === undefined || pids === undefined) throw new Error(`no url or pids in ${line}`);
  return { url, pids };
}

const messages = [{ role: 'user', content: 'Hi' }];

/** One chat call on a connection of its own (so each is a new connection for the primary to hand out). */
function call(url: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
    req.once('error', reject);
    req.once('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => (text += piece));
      response.once('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.once('error', reject);
    });
    req.end(JSON.stringify(body));
  });
}

/** The pid of the worker that wrote each request line so far. */
function answeredBy(cli: CliProcess): number[] {
  return cli
    .stdout()
    .split('\n')
    .filter((line) => line.includes('msg=request'))
    .map((line) => Number(/ pid=(\d+)/.exec(line)?.[1]));
}

function lines(cli: CliProcess, pattern: RegExp): string[] {
  return cli
    .stdout()
    .split('\n')
    .filter((line) => pattern.test(line));
}

const fastConfig = `model_list:
  - model_name: fast
    litellm_params: { model: openai/fast, mock_response: hi }
`;

// The usage and config errors of --num_workers, which never fork, are in run-cli.spec.ts (in-process).
describe('rxllm --num_workers: command line', () => {
  it('a port already taken is reported once (not by every worker), exit 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const cli = start(['--config', await file('taken.yaml', fastConfig), '--port', String(port), '--num_workers', '2']);
      expect((await cli.exited).code).toBe(1);
      expect(cli.stderr().match(/cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/g)).toHaveLength(1);
      expect(cli.stdout()).not.toContain('listening');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, specMs);
});

describe('rxllm --num_workers 2: serving', () => {
  it('says once that it listens, with 2 worker pids; both answer; a killed worker is replaced while the other answers; SIGTERM exits 0', async () => {
    const cli = start(['--config', await file('fast.yaml', fastConfig), '--port', '0', '--num_workers', '2']);
    const { url, pids } = await listening(cli);
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    expect(lines(cli, /msg="rxllm proxy listening"/)).toHaveLength(1);
    expect(lines(cli, /msg="rxllm proxy listening"/)[0]).toContain('workers=2');
    expect(lines(cli, /msg="model groups"/)).toHaveLength(1);

    // Round-robin hands new connections to the workers in turn: a few calls reach both.
    for (let i = 0; i < 6; i++) expect((await call(url, { model: 'fast', messages })).status).toBe(200);
    await waitUntil(() => answeredBy(cli).length === 6, 10_000, 'six request lines');
    expect(new Set(answeredBy(cli))).toEqual(new Set(pids));

    const [victim, survivor] = pids as [number, number];
    process.kill(victim, 'SIGKILL');
    const exitLine = await cli.waitForLine(/msg="worker exited unexpectedly/, 10_000);
    expect(exitLine).toContain(`pid=${victim} signal=SIGKILL`);
    expect(exitLine).toMatch(/restart_in_ms=\d+/);
    // While its replacement starts, the survivor answers every call.
    const during = await Promise.all(Array.from({ length: 4 }, () => call(url, { model: 'fast', messages })));
    expect(during.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);

    const restarted = await cli.waitForLine(/msg="worker restarted"/, startupMs);
    const replacement = Number(/ pid=(\d+)/.exec(restarted)?.[1]);
    expect([victim, survivor]).not.toContain(replacement);
    const before = answeredBy(cli).length;
    for (let i = 0; i < 6; i++) expect((await call(url, { model: 'fast', messages })).status).toBe(200);
    await waitUntil(() => answeredBy(cli).length === before + 6, 10_000, 'six more request lines');
    expect(new Set(answeredBy(cli).slice(before))).toEqual(new Set([survivor, replacement]));

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(lines(cli, /msg=stopped pid=/)).toHaveLength(2);
    expect(lines(cli, /msg=stopped workers=2/)).toHaveLength(1);
  }, specMs);

  const slowConfig = `model_list:
  - model_name: slow            # answers after ~1.5 s: its stream_timeout fires, then the fallback answers
    litellm_params: { model: openai/slow, mock_timeout: true, stream_timeout: 1.5, num_retries: 0 }
  - model_name: fast
    litellm_params: { model: openai/fast, mock_response: drained fine }
router_settings:
  fallbacks: [{ slow: [fast] }]
`;

  it('on SIGTERM every worker drains: the in-flight call completes, new calls get 503, then the primary exits 0', async () => {
    const cli = start(['--config', await file('drain.yaml', slowConfig), '--port', '0', '--num_workers', '2']);
    const { url } = await listening(cli);

    const inFlight = call(url, { model: 'slow', messages, stream: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.child.kill('SIGTERM');
    expect(await cli.waitForLine(/msg="shutting down: every worker/)).toContain('signal=SIGTERM workers=2');
    // Each worker says how many calls it was draining: one had the slow call.
    await waitUntil(() => lines(cli, /msg="shutting down: refusing new calls/).length === 2, 10_000, 'both workers draining');
    expect(lines(cli, /msg="shutting down: refusing new calls/).map((line) => /in_flight=(\d+)/.exec(line)?.[1]).sort()).toEqual(['0', '1']);

    const refused = await call(url, { model: 'fast', messages });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'shutting_down' } });

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('drained');
    expect(answer.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).not.toContain('second signal');
    expect(lines(cli, /msg=stopped workers=2/)).toHaveLength(1);
  }, specMs);

  it('Ctrl-C (SIGINT to the primary and its workers at once, and relayed by the primary): one stop, the call drains, exit 0', async () => {
    const cli = start(['--config', await file('ctrl-c.yaml', slowConfig), '--port', '0', '--num_workers', '2'], { detached: true });
    const { url, pids } = await listening(cli);

    const inFlight = call(url, { model: 'slow', messages, stream: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(-(cli.child.pid as number), 'SIGINT');

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('drained');
    expect(answer.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).not.toContain('second signal');
    expect(lines(cli, /msg=stopped pid=/).map((line) => Number(/pid=(\d+)/.exec(line)?.[1])).sort()).toEqual([...pids].sort());
  }, specMs);
});
