import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config-file.js';
import type { ProxyConfig } from '../config/parse-proxy-config.js';
import { ConfigError } from '../errors/config-error.js';
import { logfmt, withField } from '../proxy/logfmt.js';
import { type RunningProxy, startProxy } from '../proxy/start-proxy.js';
import { parseCliArgs, usage, UsageError } from './parse-cli-args.js';
import { batchedLines } from './batched-lines.js';
import { isClusterWorker, leaveCluster, tellPrimary, workerSignals } from './cluster-worker.js';
import { atLeast, logLevelFromEnv, type LogLevel } from './log-level.js';
import { onStopSignals, type StopSignalSource } from './on-stop-signals.js';
import { routerEventLine } from './router-event-line.js';
import { serveWorkers } from './serve-workers.js';
import { startupLines } from './startup-lines.js';

/** Where the CLI talks and what it listens to; the process's own by default. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where SIGTERM and SIGINT come from. */
  readonly signals: StopSignalSource;
}

/** PIPE_BUF on Linux: the longest write a pipe never interleaves with another writer's. */
const pipeAtomicBytes = 4096;

// A worker shares the primary's stdout with the other workers: whole lines only (see atomicBytes).
const stdoutLines = batchedLines((text) => process.stdout.write(text), isClusterWorker() ? { atomicBytes: pipeAtomicBytes } : {});
// Whatever is pending when the process exits is still written (the write is synchronous for files and pipes).
process.once('exit', stdoutLines.flush);

const processIo: CliIo = {
  stdout: stdoutLines.line,
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  signals: process,
};

/** The demo config.yaml at the package root (from src/cli/ and from dist/cli/ alike). */
export const bundledConfigPath = fileURLToPath(new URL('../../config.yaml', import.meta.url));

function log(write: (line: string) => void, level: string, msg: string, fields: Record<string, string | number> = {}): void {
  write(logfmt({ time: new Date().toISOString(), level, msg, ...fields }));
}

/** rxllm's own version, from the package.json beside src/ and dist/. */
async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Who says that the proxy started, or why it could not: a lone process itself, a worker its primary. */
interface ServeRole {
  readonly started: (proxy: RunningProxy) => void;
  readonly failed: (message: string) => void;
}

function loneProcess(io: CliIo, configPath: string, config: ProxyConfig): ServeRole {
  return {
    // Written whatever the level: said once, and where the proxy listens is what everyone needs.
    started: (proxy) => {
      for (const line of startupLines(proxy, configPath, config)) io.stdout(line);
    },
    failed: io.stderr,
  };
}

// The primary prints the startup lines and the failures, once for all its workers.
const clusterWorker: ServeRole = {
  started: (proxy) => tellPrimary({ rxllm: 'listening', address: { host: proxy.host, port: proxy.port, url: proxy.url } }),
  failed: (message) => tellPrimary({ rxllm: 'failed', message }),
};

/** Serves until SIGTERM or SIGINT, then drains in-flight calls and closes; a second signal aborts them. */
async function serve(io: CliIo, config: ProxyConfig, port: number, host: string, level: LogLevel, role: ServeRole): Promise<number> {
  const write = atLeast(level, io.stdout);
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ config, port, host, log: write });
  } catch (error) {
    role.failed(`rxllm: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    return 1;
  }
  // Only at debug: an observed events$ costs every call its events (unobserved, they are never made).
  const events = level === 'debug' ? proxy.router.events$.subscribe((event) => write(routerEventLine(event, new Date().toISOString()))) : undefined;
  role.started(proxy);

  await new Promise<void>((done) => {
    const stopListening = onStopSignals(io.signals, {
      first: (signal) => {
        log(write, 'info', 'shutting down: refusing new calls, draining in-flight calls', { signal, in_flight: proxy.server.inFlight });
        void proxy.close().then(() => {
          stopListening();
          done();
        });
      },
      again: (signal) => {
        log(write, 'warn', 'second signal: aborting in-flight calls', { signal });
        proxy.server.abortInFlight();
      },
    });
  });
  events?.unsubscribe();
  log(write, 'info', 'stopped');
  return 0;
}

/**
 * One worker of `--num_workers`: serves as a lone process does, on the port the primary shares,
 * with each of its log lines marked with its pid (which worker answered is in the request line),
 * and stops on its own signals or on those the primary relays.
 */
async function serveAsWorker(io: CliIo, config: ProxyConfig, port: number, host: string, level: LogLevel): Promise<number> {
  const relay = workerSignals();
  const workerIo: CliIo = { ...io, stdout: (line) => io.stdout(withField(line, 'pid', process.pid)), signals: relay.signals };
  try {
    return await serve(workerIo, config, port, host, level, clusterWorker);
  } finally {
    relay.close();
    leaveCluster();
  }
}

/**
 * `rxllm [--config config.yaml] [--port 4000] [--host 127.0.0.1] [--num_workers 1]`: loads the
 * config, serves the proxy until SIGTERM/SIGINT, and resolves with the exit code: 0 after a clean
 * shutdown, 1 for a bad config (every problem printed as `path: message`, no stack trace) or a port
 * in use, 2 for a bad command line. With `--num_workers N` (N > 1) this process is the primary: it
 * checks the config, then forks N workers that each run this same function as a worker.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`rxllm: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (command.kind === 'help') {
    io.stdout(usage);
    return 0;
  }
  if (command.kind === 'version') {
    io.stdout(`rxllm ${await packageVersion()}`);
    return 0;
  }
  let level: LogLevel;
  try {
    level = command.debug ? 'debug' : (logLevelFromEnv(io.env['LITELLM_LOG']) ?? 'info');
  } catch (error) {
    io.stderr(`rxllm: ${(error as Error).message}`);
    return 2;
  }
  const configPath = resolve(command.config ?? bundledConfigPath);
  const inWorker = command.numWorkers > 1 && isClusterWorker();
  let config: ProxyConfig;
  try {
    // The primary loads it too, before forking: a bad config is said once, not by every worker.
    config = await loadConfigFile(configPath, io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    (inWorker ? clusterWorker.failed : io.stderr)(`rxllm: ${error.message}`);
    return 1;
  }
  if (command.numWorkers === 1) return serve(io, config, command.port, command.host, level, loneProcess(io, configPath, config));
  if (inWorker) return serveAsWorker(io, config, command.port, command.host, level);
  return serveWorkers(io, { argv, count: command.numWorkers, configPath, config, level });
}
