import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait-until.js';
import { spawnNpmStart, type CliProcess } from './spawn-cli.js';

// `npm start` as people run it: npm → sh → node. npm passes SIGTERM and SIGINT on to its child (sh);
// unless sh hands itself over to node (`exec`), the shell dies of the signal and the proxy keeps
// running, orphaned. These specs send real signals and watch the whole process tree.

let dir: string;
const running: CliProcess[] = [];
/** Every process a spec saw under npm: killed after it, orphans included. */
const seen = new Set<number>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rxllm-npm-start-'));
});

afterEach(() => {
  for (const cli of running.splice(0)) {
    for (const pid of descendants(cli.child.pid as number)) seen.add(pid);
    seen.add(cli.child.pid as number);
  }
  for (const pid of seen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  seen.clear();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every process below `pid`, children first. */
function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  const children = out
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => Number.isInteger(child) && child > 0);
  const all = children.flatMap((child) => [child, ...descendants(child)]);
  for (const child of all) seen.add(child);
  return all;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function start(args: readonly string[]): CliProcess {
  const cli = spawnNpmStart(args);
  running.push(cli);
  return cli;
}

async function listening(cli: CliProcess): Promise<string> {
  const line = await cli.waitForLine(/msg="rxllm proxy listening"/, 30_000);
  const url = /url=(\S+)/.exec(line)?.[1];
  if (url === undefined) throw new Error(`no url in ${line}`);
  return url;
}

/** A streaming call left in flight; resolves with its status and whole body. */
function streamInFlight(url: string, model: string): Promise<{ status: number | undefined; body: string }> {
  const req = httpRequest(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
  const done = new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    req.once('response', (response: IncomingMessage) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (piece: string) => {
        body += piece;
      });
      response.once('end', () => resolve({ status: response.statusCode, body }));
      response.once('error', reject);
    });
    req.once('error', reject);
  });
  req.end(JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
  done.catch(() => {}); // a spec that fails before awaiting it must not leave an unhandled rejection
  return done;
}

describe('npm start: signals reach the proxy', () => {
  it('SIGTERM to the npm process (bundled config.yaml, no --config): the in-flight call finishes, every process exits, npm exits 0', async () => {
    const cli = start(['--port', '0']);
    const url = await listening(cli);
    expect(cli.stdout()).toMatch(/config=\S*config\.yaml/);
    const tree = descendants(cli.child.pid as number);
    expect(tree.length).toBeGreaterThan(0);

    // gpt-4o never answers: its stream_timeout (1 s) fires and gpt-4o-mini answers, so the call is in flight for ~1 s.
    const call = streamInFlight(url, 'gpt-4o');
    await new Promise((resolve) => setTimeout(resolve, 300));
    cli.child.kill('SIGTERM');
    expect(await cli.waitForLine(/msg="shutting down/)).toContain('in_flight=1');

    const answer = await call;
    expect(answer.status).toBe(200);
    expect(answer.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toContain('msg=stopped');
    // node's helpers (tsx's esbuild service) follow it out as soon as it is gone.
    await waitUntil(() => tree.filter(alive).length === 0, 5_000, 'every process under npm to exit');
  }, 40_000);

  it('Ctrl-C (SIGINT to the whole process group) with --config FILE --port N: one signal, not two; the call is drained, not aborted', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(
      path,
      `model_list:
  - model_name: slow            # answers after ~0.8 s: its stream_timeout fires, then the fallback answers
    litellm_params: { model: openai/slow, mock_timeout: true, stream_timeout: 0.8, num_retries: 0 }
  - model_name: fast
    litellm_params: { model: openai/fast, mock_response: drained fine }
router_settings:
  fallbacks: [{ slow: [fast] }]
`,
    );
    const cli = start(['--config', path, '--port', '0']);
    const url = await listening(cli);
    expect(cli.stdout()).toContain(`config=${path}`);
    const tree = descendants(cli.child.pid as number);

    const call = streamInFlight(url, 'slow');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The terminal signals npm and node alike, and npm passes its copy on: node sees SIGINT twice.
    process.kill(-(cli.child.pid as number), 'SIGINT');

    const answer = await call;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"fine"');
    expect(answer.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).not.toContain('second signal');
    await waitUntil(() => tree.filter(alive).length === 0, 5_000, 'every process under npm to exit');
  }, 40_000);
});
