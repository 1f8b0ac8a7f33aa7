import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../config/load-config-file.js';
import type { ProxyConfig } from '../config/parse-proxy-config.js';
import { ConfigError } from '../errors/config-error.js';
import { logfmt } from '../proxy/logfmt.js';
import { type RunningProxy, startProxy } from '../proxy/start-proxy.js';
import { parseCliArgs, usage, UsageError } from './parse-cli-args.js';
import { batchedLines } from './batched-lines.js';
import { atLeast, logLevelFromEnv, type LogLevel } from './log-level.js';
import { routerEventLine } from './router-event-line.js';
import { startupLines } from './startup-lines.js';

/** Where the CLI talks and what it listens to; the process's own by default. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where SIGTERM and SIGINT come from. */
  readonly signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

const stdoutLines = batchedLines((text) => process.stdout.write(text));
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

/** A repeat of the first signal within this long is the same stop request, delivered twice. */
const duplicateSignalMs = 500;

/** rxllm's own version, from the package.json beside src/ and dist/. */
async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Serves until SIGTERM or SIGINT, then drains in-flight calls and closes; a second signal aborts them. */
async function serve(io: CliIo, config: ProxyConfig, configPath: string, port: number, host: string, level: LogLevel): Promise<number> {
  const write = atLeast(level, io.stdout);
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ config, port, host, log: write });
  } catch (error) {
    io.stderr(`rxllm: cannot listen on ${host}:${port}: ${(error as Error).message}`);
    return 1;
  }
  // Only at debug: an observed events$ costs every call its events (unobserved, they are never made).
  const events = level === 'debug' ? proxy.router.events$.subscribe((event) => write(routerEventLine(event, new Date().toISOString()))) : undefined;
  // Written whatever the level: said once, and where the proxy listens is what everyone needs.
  for (const line of startupLines(proxy, configPath, config)) io.stdout(line);

  await new Promise<void>((done) => {
    let first: { signal: NodeJS.Signals; at: number } | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (first !== undefined) {
        // The same signal again at once is one event delivered twice, not a second request to stop:
        // a terminal's Ctrl-C reaches both npm and node, and npm passes its copy on too.
        if (signal === first.signal && performance.now() - first.at < duplicateSignalMs) return;
        log(write, 'warn', 'second signal: aborting in-flight calls', { signal });
        proxy.server.abortInFlight();
        return;
      }
      first = { signal, at: performance.now() };
      log(write, 'info', 'shutting down: refusing new calls, draining in-flight calls', { signal, in_flight: proxy.server.inFlight });
      void proxy.close().then(() => {
        io.signals.off('SIGTERM', onSignal);
        io.signals.off('SIGINT', onSignal);
        done();
      });
    };
    io.signals.on('SIGTERM', onSignal);
    io.signals.on('SIGINT', onSignal);
  });
  events?.unsubscribe();
  log(write, 'info', 'stopped');
  return 0;
}

/**
 * `rxllm [--config config.yaml] [--port 4000] [--host 127.0.0.1]`: loads the config, serves the
 * proxy until SIGTERM/SIGINT, and resolves with the exit code: 0 after a clean shutdown, 1 for a
 * bad config (every problem printed as `path: message`, no stack trace) or a port in use, 2 for a
 * bad command line.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let command;
  try {
    command = parseCliArgs(argv);
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
  let config: ProxyConfig;
  try {
    config = await loadConfigFile(configPath, io.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`rxllm: ${error.message}`);
    return 1;
  }
  return serve(io, config, configPath, command.port, command.host, level);
}
