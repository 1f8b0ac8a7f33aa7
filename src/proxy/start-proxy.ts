import { loadConfigFile } from '../config/load-config-file.js';
import type { ProxyConfig } from '../config/parse-proxy-config.js';
import type { Env } from '../config/parse-router-config.js';
import { redisDeploymentStore } from '../deployments/redis/create-redis-deployment-store.js';
import { describeRedis, redisStoreOptions } from '../deployments/redis/redis-store-options.js';
import { Router } from '../router/router.js';
import { logfmt } from './logfmt.js';
import { createProxyServer, type ListenAddress, type ProxyServer } from './create-proxy-server.js';

export interface StartProxyOptions {
  /** A LiteLLM `config.yaml` path, or a config already loaded with `loadConfig`. */
  readonly config: string | ProxyConfig;
  /** Default 4000; 0 takes any free port. */
  readonly port?: number;
  /** Default `127.0.0.1`; `0.0.0.0` for every interface. */
  readonly host?: string;
  /** Where the per-request logfmt lines go. Default: stdout. */
  readonly log?: (line: string) => void;
  /** Where `os.environ/NAME` and provider keys are read when `config` is a path. Default `process.env`. */
  readonly env?: Env;
  /** How long `close()` lets in-flight calls finish. Default 30 s. */
  readonly drainTimeoutMs?: number;
  /** How long a client may take to send a request's headers before a 408 closes its connection. Default 30 s; 0 for no limit. */
  readonly headersTimeoutMs?: number;
  /** How long a client may take to send a whole request (headers and body) before a 408. Default 300 s; 0 for no limit. */
  readonly requestTimeoutMs?: number;
}

/** A proxy listening, with the router behind it. */
export interface RunningProxy extends ListenAddress {
  readonly router: Router;
  readonly server: ProxyServer;
  /** Graceful stop: refuses new calls, lets in-flight ones finish (up to the drain time), closes the router. */
  close(): Promise<void>;
}

/**
 * The `rxllm` proxy inside your own process: loads the config (a path or a loaded config), builds
 * its Router and serves OpenAI's HTTP API on `host:port` — what `rxllm --config` does, without the
 * signal handling, which stays yours.
 *
 * @throws ConfigError for a bad config; the listen error (EADDRINUSE, ...) when the port is taken.
 * @example
 * const proxy = await startProxy({ config: 'config.yaml', port: 0 });
 * console.log(proxy.url); // http://127.0.0.1:40123
 * process.once('SIGTERM', () => void proxy.close());
 */
export async function startProxy(options: StartProxyOptions): Promise<RunningProxy> {
  const config = typeof options.config === 'string' ? await loadConfigFile(options.config, options.env) : options.config;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const line = (level: string, msg: string, fields: Readonly<Record<string, string | number>>): void =>
    log(logfmt({ time: new Date().toISOString(), level, msg, ...fields }));
  const { redis } = config.settings;
  // Redis's outage and return are said through the proxy's own log, one line each.
  const store = redis === undefined ? undefined : redisDeploymentStore(redisStoreOptions(redis, line));
  const router = new Router(config.router, { env: config.env, ...(store === undefined ? {} : { store }) });
  line('info', 'deployment store', redis === undefined ? { store: 'memory' } : { store: 'redis', redis: describeRedis(redis) });
  const server = createProxyServer({
    router,
    masterKey: config.masterKey,
    maxRequestSizeBytes: config.maxRequestSizeBytes,
    log,
    drainTimeoutMs: options.drainTimeoutMs,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    metrics: config.metrics,
    requireAuthForMetrics: config.requireAuthForMetrics,
    tracing: config.tracing,
    healthCheckIntervalMs: config.healthCheckIntervalMs,
  });
  let address: ListenAddress;
  try {
    address = await server.listen(options.port ?? 4000, options.host ?? '127.0.0.1');
  } catch (error) {
    await router.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    ...address,
    router,
    server,
    close: () => (closing ??= server.close().then(() => router.close())),
  };
}
