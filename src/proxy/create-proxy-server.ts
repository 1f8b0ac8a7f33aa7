import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultMaxRequestSizeMb } from '../config/parse-proxy-config.js';
import { ServiceUnavailableError } from '../errors/error-classes.js';
import { routerMetrics } from '../observability/metrics/router-metrics.js';
import { traceRouter } from '../observability/tracing/trace-router.js';
import type { Router } from '../router/router.js';
import { ActiveRequests } from './active-requests.js';
import { startBackgroundHealthChecks } from './background-health-checks.js';
import { bearerAuth } from './bearer-auth.js';
import { clientErrorListener } from './client-error-listener.js';
import { handleRequest } from './handle-request.js';
import { modelsList } from './models-list.js';
import { publicApiBase } from './public-api-base.js';
import type { ProxyContext } from './proxy-context.js';
import { checkingIntervalMs, receiveTimeouts } from './receive-timeouts.js';
import { refuseConnect } from './refuse-connect.js';

export interface ProxyServerOptions {
  readonly router: Router;
  /** `general_settings.master_key`: when set, every route but the health probes and the `/ui` page (which asks for it) needs `Authorization: Bearer <key>`. */
  readonly masterKey?: string | undefined;
  /** Larger request bodies get 413. Default 16 MB (`general_settings.max_request_size_mb`). */
  readonly maxRequestSizeBytes?: number | undefined;
  /** Where the per-request logfmt lines go. Default: stdout. */
  readonly log?: ((line: string) => void) | undefined;
  /** How long `close()` lets in-flight calls finish before aborting them. Default 30 s. */
  readonly drainTimeoutMs?: number | undefined;
  /**
   * How long a client may take to send a request's headers (Node's `headersTimeout`): a slower one
   * gets 408 and its connection is closed, so it cannot hold a socket (slowloris). Whole ms, at most
   * `requestTimeoutMs`; 0 for no limit of its own. Default 30 s.
   */
  readonly headersTimeoutMs?: number | undefined;
  /**
   * How long a client may take to send a whole request, headers and body (Node's `requestTimeout`):
   * a body trickled in slower gets 408 and the request leaves the in-flight registry. The call's
   * own time (the router's `timeout`) starts only once the body is in, and is not limited by it.
   * Whole ms, 0 for no limit. Default 300 s.
   *
   * LiteLLM's proxy has no equivalent: uvicorn bounds only idle keep-alive connections
   * (`--keepalive_timeout`, 5 s by default, as Node's `keepAliveTimeout`) and leaves slow senders
   * to a reverse proxy in front.
   */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * Serve `GET /metrics` (Prometheus text, LiteLLM's metric names), as LiteLLM's
   * `litellm_settings.callbacks: ["prometheus"]`. Off by default: the router then has no listener
   * for its events and pays nothing for them.
   */
  readonly metrics?: boolean | undefined;
  /** `/metrics` needs the master key like every route (LiteLLM's `require_auth_for_metrics_endpoint`). Default false: open. */
  readonly requireAuthForMetrics?: boolean | undefined;
  /**
   * Trace every call with `@opentelemetry/api`'s global tracer (LiteLLM's `callbacks: ["otel"]`):
   * a no-op unless the process registered an OpenTelemetry SDK.
   */
  readonly tracing?: boolean | undefined;
  /**
   * Background health checks (`general_settings.background_health_checks` with
   * `health_check_interval`): every deployment probed at once and then every this many ms, failures
   * counted for cooldowns, the latest round served by `GET /health`. Undefined (the default): off,
   * and `GET /health` probes on each request.
   */
  readonly healthCheckIntervalMs?: number | undefined;
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
}

export interface ProxyServer {
  readonly server: Server;
  /** Starts listening (port 0: an ephemeral port). */
  listen(port: number, host?: string): Promise<ListenAddress>;
  /** Requests whose response has not closed yet. */
  readonly inFlight: number;
  /**
   * Graceful shutdown: new calls get 503 (and readiness turns 503) while in-flight calls finish, up
   * to `drainTimeoutMs`; then the rest are aborted (503, or an SSE error event when already
   * streaming) and the server closes. Calling it again returns the same promise.
   */
  close(): Promise<void>;
  /** Ends the drain now: aborts in-flight calls at once (a second Ctrl-C). */
  abortInFlight(): void;
}

const defaultDrainTimeoutMs = 30_000;

/** Every deployment's `api_base` with its credentials masked; mock deployments have none to show. */
function apiBases(router: Router): Map<string, string> {
  const out = new Map<string, string>();
  for (const deployment of router.settings.deployments) {
    if (deployment.mockResponse !== undefined || deployment.mockTimeout || deployment.apiBase === '') continue;
    out.set(deployment.id, publicApiBase(deployment.apiBase));
  }
  return out;
}

function visibleAliases(router: Router): string[] {
  return [...router.settings.modelGroupAlias].filter(([, alias]) => !alias.hidden).map(([name]) => name);
}
const abortFlushMs = 1_000;

function writeStdout(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The OpenAI-compatible proxy over a Router: `POST /v1/chat/completions` and `/v1/completions`
 * (JSON and SSE), `POST /v1/embeddings`, `GET /v1/models`, `/v1/models/{model}`, LiteLLM's
 * `/v1/model/info`, `GET /health` (active probes), `GET /health/liveliness`, `GET /health/readiness`,
 * the live view (`GET /ui` and its stream `GET /v1/router/events`), on plain node:http.
 *
 * @example
 * const router = new Router(config.router, { env: config.env });
 * const proxy = createProxyServer({ router, masterKey: config.masterKey });
 * const { url } = await proxy.listen(4000, '127.0.0.1');
 * process.once('SIGTERM', () => void proxy.close().then(() => router.close()));
 */
export function createProxyServer(options: ProxyServerOptions): ProxyServer {
  const { router } = options;
  const drainTimeoutMs = options.drainTimeoutMs ?? defaultDrainTimeoutMs;
  const startedAt = Math.floor(Date.now() / 1000);
  const timeouts = receiveTimeouts(options);
  const active = new ActiveRequests();
  const tracing = options.tracing === true ? traceRouter(router) : undefined;
  const ctx: ProxyContext = {
    router,
    checkKey: options.masterKey === undefined ? undefined : bearerAuth(options.masterKey),
    maxRequestSizeBytes: options.maxRequestSizeBytes ?? defaultMaxRequestSizeMb * 1024 * 1024,
    log: options.log ?? writeStdout,
    // The groups, and the aliases of `model_group_alias` that are not hidden, as LiteLLM lists them.
    modelsBody: JSON.stringify(modelsList([...router.modelGroups, ...visibleAliases(router)], startedAt)),
    startedAt,
    active,
    // LiteLLM counts HTTP requests in flight; so does the proxy.
    metrics: options.metrics === true ? routerMetrics(router, { inFlight: () => active.size }) : undefined,
    metricsNeedKey: options.requireAuthForMetrics === true,
    apiBases: apiBases(router),
    healthChecks: options.healthCheckIntervalMs === undefined ? undefined : startBackgroundHealthChecks(router, options.healthCheckIntervalMs),
    draining: false,
    drainListeners: new Set(),
  };
  let drained: (() => void) | undefined;
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(timeouts),
    },
    handleRequest(ctx, () => {
      if (ctx.draining && ctx.active.size === 0) drained?.();
    }),
  );
  server.on('clientError', clientErrorListener(ctx, timeouts));
  server.on('connect', refuseConnect(ctx));
  let closing: Promise<void> | undefined;
  /** `abortInFlight()` ended the drain before its timeout. */
  let cutShort = false;

  /** Resolves when no request is in flight, or after `timeoutMs`, or at `abortInFlight()`. */
  const idle = (timeoutMs: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (ctx.active.size === 0) return resolve();
      const timer = setTimeout(() => drained?.(), timeoutMs);
      drained = () => {
        clearTimeout(timer);
        drained = undefined;
        resolve();
      };
    });

  return {
    server,
    get inFlight() {
      return ctx.active.size;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${shown}:${address.port}` });
        });
      });
    },
    close() {
      closing ??= (async () => {
        ctx.draining = true;
        for (const stop of ctx.drainListeners) stop();
        ctx.healthChecks?.stop();
        server.closeIdleConnections();
        await idle(drainTimeoutMs);
        const why = cutShort ? 'the drain was cut short by a second stop signal' : `in-flight calls get ${drainTimeoutMs / 1000} s`;
        const error = new ServiceUnavailableError(`rxllm shut down before this call finished (${why})`, { code: 'shutting_down' });
        for (const request of ctx.active.toArray()) request.abort(error);
        await idle(abortFlushMs); // the aborted answers reach their clients before the sockets close
        await new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        });
        ctx.metrics?.close();
        tracing?.unsubscribe();
      })();
      return closing;
    },
    abortInFlight() {
      if (closing === undefined || drained === undefined) return;
      cutShort = true;
      drained();
    },
  };
}
