import { parseArgs } from 'node:util';

/** What `rxllm` was asked to do. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'serve';
      /** `--config`; undefined: the bundled config.yaml. */
      readonly config: string | undefined;
      readonly port: number;
      readonly host: string;
      /** `--debug` / `--detailed_debug`: a log line per attempt, retry, fallback and cooldown. */
      readonly debug: boolean;
      /** `--num_workers` (or `NUM_WORKERS`): processes serving the one port; 1 is a single process, no cluster. */
      readonly numWorkers: number;
    };

/** A command line rxllm cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const defaultPort = 4000;
export const defaultHost = '127.0.0.1';

export const usage = `Usage: rxllm [--config config.yaml] [--port ${defaultPort}] [--host ${defaultHost}] [--num_workers 1] [--debug]

An OpenAI-compatible proxy that runs LiteLLM config.yaml files on rxllm's Router.

Options:
  -c, --config <file>  LiteLLM config.yaml to serve (default: the bundled demo config, mock deployments)
  -p, --port <port>    port to listen on, 0 for any free port (default: ${defaultPort})
      --host <host>    address to listen on (default: ${defaultHost}; 0.0.0.0 for every interface)
      --debug          also log every attempt, retry, fallback and cooldown (level=debug);
                       --detailed_debug is the same (LiteLLM's flag)
      --num_workers <n>
                       worker processes serving the one port (default 1: a single process);
                       a worker that dies is restarted (LiteLLM's flag)
  -v, --version        print rxllm's version
  -h, --help           show this help

Environment: LITELLM_LOG=DEBUG|INFO|WARNING|ERROR: the least severe level logged after startup (default INFO).
NUM_WORKERS=<n>: as --num_workers when the flag is not given (LiteLLM's variable).

Endpoints: POST /v1/chat/completions, /v1/completions, /v1/embeddings; GET /v1/models, /v1/models/{model},
/v1/model/info, /health (probes every deployment), /health/liveliness, /health/readiness, /v1/router/events (SSE);
the live page: /ui.
SIGTERM or SIGINT drains in-flight calls (up to 30 s) and exits 0, every worker's; a second signal aborts them.`;

/** `--num_workers` / `NUM_WORKERS`: a whole number from 1 up; `source` names where it came from. */
function parseNumWorkers(text: string, source: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || !Number.isSafeInteger(count)) {
    throw new UsageError(`${source}: expected a whole number of worker processes, 1 or more, got "${text}"`);
  }
  return count;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--port: expected a whole number from 0 to 65535, got "${text}"`);
  return port;
}

/**
 * Parses rxllm's command line (`process.argv.slice(2)`), and the environment variables that stand
 * for a flag (`NUM_WORKERS`, as in LiteLLM; the flag wins).
 *
 * @throws UsageError for unknown flags, missing values, a bad port or worker count.
 * @example
 * parseCliArgs(['--config', 'config.yaml', '--port', '8080']) // { kind: 'serve', config: 'config.yaml', port: 8080, host: '127.0.0.1', debug: false, numWorkers: 1 }
 */
export function parseCliArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliCommand {
  let values: {
    config?: string | undefined;
    port?: string | undefined;
    host?: string | undefined;
    help?: boolean | undefined;
    version?: boolean | undefined;
    debug?: boolean | undefined;
    detailed_debug?: boolean | undefined;
    num_workers?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        debug: { type: 'boolean' },
        detailed_debug: { type: 'boolean' },
        num_workers: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  if (values.host === '') throw new UsageError('--host: expected an address');
  if (values.config === '') throw new UsageError('--config: expected a file');
  return {
    kind: 'serve',
    config: values.config,
    port: values.port === undefined ? defaultPort : parsePort(values.port),
    host: values.host ?? defaultHost,
    debug: values.debug === true || values.detailed_debug === true,
    numWorkers: numWorkers(values.num_workers, env['NUM_WORKERS']),
  };
}

function numWorkers(flag: string | undefined, env: string | undefined): number {
  if (flag !== undefined) return parseNumWorkers(flag, '--num_workers');
  // An empty variable is an unset one (`NUM_WORKERS= rxllm`), as shells and container specs write it.
  if (env !== undefined && env !== '') return parseNumWorkers(env, 'NUM_WORKERS');
  return 1;
}
