import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The `rxllm` CLI run from source (tsx) as a child process, its output collected as it comes. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/**
 * Spawns `node --import tsx src/cli/main.ts ...args`: one process, so signals reach the CLI itself.
 * `detached`: in a process group of its own (with the workers it forks), so a spec can signal the
 * whole group as a terminal's Ctrl-C does (`process.kill(-child.pid, 'SIGINT')`).
 *
 * @example
 * const cli = spawnCli(['--config', path, '--port', '0']);
 * const url = /url=(\S+)/.exec(await cli.waitForLine(/listening/))?.[1];
 */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, { detached = false } = {}): CliProcess {
  return track(
    spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    }),
  );
}

/**
 * Spawns `npm start -- ...args` as users run it, in a process group of its own (`detached`), so a
 * spec can signal npm alone (`child.kill`) or the whole group as a terminal's Ctrl-C does
 * (`process.kill(-child.pid, 'SIGINT')`).
 */
export function spawnNpmStart(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  return track(
    spawn('npm', ['start', '--silent', '--', ...args], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
}

function track(child: ChildProcess): CliProcess {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async waitForLine(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = stdout.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (done) throw new Error(`rxllm exited before printing ${pattern}:\n${stdout}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/**
 * A spec file's CLI sandbox: a temporary folder for its config files (removed after the file) and
 * the CLIs it starts (`running`), SIGKILLed after each test if still alive. Registers vitest hooks.
 */
export function cliSandbox(prefix: string): { readonly running: CliProcess[]; file(name: string, text: string): Promise<string> } {
  let dir = '';
  const running: CliProcess[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(() => {
    // SIGKILL to a cluster primary leaves its workers to node:cluster, which ends them when the IPC channel closes.
    for (const cli of running.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    running,
    async file(name, text) {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    },
  };
}
