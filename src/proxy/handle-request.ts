import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { AuthenticationError, BadRequestError, NotFoundError, ServiceUnavailableError } from '../errors/error-classes.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { RouterMetrics } from '../observability/metrics/router-metrics.js';
import type { CallKindName } from '../router/call-kind.js';
import { sentAnyKey } from './bearer-auth.js';
import { headerTimeoutMs } from './effective-timeout-ms.js';
import { handleCall } from './handle-call.js';
import { handleHealth } from './handle-health.js';
import { callIdOf } from './call-id.js';
import { untriedHeaders } from './litellm-headers.js';
import { ActiveRequest } from './active-requests.js';
import type { ProxyContext } from './proxy-context.js';
import { modelInfoEntry } from './model-info.js';
import { formatRequestLog, RequestRecord } from './request-log.js';
import { serveRouterEvents } from './serve-router-events.js';
import { writeFleetPage } from './ui/write-fleet-page.js';
import { writeError } from './write-error.js';

function writeJson(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function methodNotAllowed(res: ServerResponse, record: RequestRecord, allow: string, headers: OutgoingHttpHeaders = {}): void {
  const error = new BadRequestError(`${record.method} is not allowed on ${record.path} (use ${allow})`, {
    status: 405,
    code: 'method_not_allowed',
  });
  record.error = error.code;
  writeError(res, error, { ...headers, allow });
}

/** The call routes (DESIGN §9), each with its kind of call. */
const callRoutes: ReadonlyMap<string, CallKindName> = new Map([
  ['/v1/chat/completions', 'chat'],
  ['/chat/completions', 'chat'],
  ['/v1/completions', 'text_completion'],
  ['/completions', 'text_completion'],
  ['/v1/embeddings', 'embedding'],
  ['/embeddings', 'embedding'],
]);

function isChatRoute(path: string): boolean {
  return callRoutes.has(path);
}

/** A call-route answer given before the call reached the router still carries the `x-litellm-*` headers. */
function chatRefusalHeaders(ctx: ProxyContext, req: IncomingMessage, record: RequestRecord): OutgoingHttpHeaders {
  return isChatRoute(record.path) ? untriedHeaders(headerTimeoutMs(req.headers, ctx.router.settings.timeoutMs), record) : {};
}

const alive = JSON.stringify("I'm alive!");

function route(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, record: RequestRecord, active: ActiveRequest): void {
  const { method, path } = record;
  if (isChatRoute(path)) record.callId = callIdOf(req.headers);
  // The health probes answer without a key, as LiteLLM's do, so orchestrators can call them.
  if (path === '/health/liveliness' || path === '/health/liveness') {
    if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
    return writeJson(res, 200, alive);
  }
  if (path === '/health/readiness') {
    if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
    if (ctx.draining) return writeJson(res, 503, JSON.stringify({ status: 'draining' }));
    return writeJson(res, 200, JSON.stringify({ status: 'healthy', model_groups: ctx.router.modelGroups.length }));
  }
  // LiteLLM's default: Prometheus scrapes without a key unless `require_auth_for_metrics_endpoint`.
  if (ctx.metrics !== undefined && !ctx.metricsNeedKey && isMetricsPath(path)) return writeMetrics(ctx.metrics, res, record);
  if (ctx.draining) {
    const error = new ServiceUnavailableError('rxllm is shutting down and takes no new calls', { code: 'shutting_down' });
    record.error = error.code;
    return writeError(res, error, { ...chatRefusalHeaders(ctx, req, record), connection: 'close' });
  }
  // The live page is a static shell with no data in it: it opens without a key (a browser's address
  // bar cannot send one) and asks for the key to read /v1/router/events, which needs it.
  if (path === '/ui') {
    if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
    return writeFleetPage(res);
  }
  if (ctx.checkKey !== undefined && !ctx.checkKey(req.headers)) {
    const missing = !sentAnyKey(req.headers);
    const error = new AuthenticationError(
      missing ? 'missing API key: send the header "Authorization: Bearer <key>" (or "x-litellm-api-key: <key>")' : 'invalid API key',
      { code: missing ? 'missing_api_key' : 'invalid_api_key' },
    );
    record.error = error.code;
    return writeError(res, error, { ...chatRefusalHeaders(ctx, req, record), 'www-authenticate': 'Bearer' });
  }
  const kind = callRoutes.get(path);
  if (kind !== undefined) {
    if (method !== 'POST') return methodNotAllowed(res, record, 'POST', chatRefusalHeaders(ctx, req, record));
    return handleCall(ctx, req, res, record, active, kind);
  }
  if (ctx.metrics !== undefined && isMetricsPath(path)) return writeMetrics(ctx.metrics, res, record);
  switch (path) {
    case '/v1/models':
    case '/models':
      if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
      return writeJson(res, 200, ctx.modelsBody);
    case '/v1/router/events':
      if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
      return serveRouterEvents(ctx, res, active);
    case '/v1/model/info':
    case '/model/info':
      if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
      return writeModelInfo(ctx, req, res, record);
    case '/health':
      if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
      return handleHealth(ctx, req, res, record, active);
  }
  const model = modelPath.exec(path)?.[1];
  if (model !== undefined) {
    if (method !== 'GET') return methodNotAllowed(res, record, 'GET');
    return writeModel(ctx, res, record, model);
  }
  const error = new NotFoundError(`no route ${method} ${path}`, { code: 'not_found' });
  record.error = error.code;
  writeError(res, error);
}

/** Prometheus is often pointed at `/metrics/` (LiteLLM's Grafana guide does). */
function isMetricsPath(path: string): boolean {
  return path === '/metrics' || path === '/metrics/';
}

/** `GET /metrics`: the registry in Prometheus text format. */
function writeMetrics(metrics: RouterMetrics, res: ServerResponse, record: RequestRecord): void {
  if (record.method !== 'GET') return methodNotAllowed(res, record, 'GET');
  metrics.text().then(
    (text) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    },
    (error: unknown) => {
      const failed = toRxllmError(error);
      record.error = failed.code;
      if (!res.headersSent) writeError(res, failed);
    },
  );
}

// `GET /v1/models/{model}`: what the openai SDK's `models.retrieve` asks (the id URI-encoded).
const modelPath = /^\/(?:v1\/)?models\/(.+)$/;

/** OpenAI's model object for one model group, or 404 `model_not_found`. */
function writeModel(ctx: ProxyContext, res: ServerResponse, record: RequestRecord, encoded: string): void {
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch {
    id = encoded;
  }
  record.model = id;
  if (!ctx.router.modelGroups.includes(id) && !ctx.router.settings.modelGroupAlias.has(id)) {
    const error = new NotFoundError(`model "${id}" is not a model group of this proxy`, { code: 'model_not_found', param: 'model' });
    record.error = error.code;
    return writeError(res, error);
  }
  writeJson(res, 200, JSON.stringify({ id, object: 'model', created: ctx.startedAt, owned_by: 'rxllm' }));
}

/** LiteLLM's `GET /v1/model/info`: every deployment (or the one `?litellm_model_id=` names), no keys. */
function writeModelInfo(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, record: RequestRecord): void {
  const wanted = new URL(req.url ?? '/', 'http://rxllm').searchParams.get('litellm_model_id');
  const deployments = ctx.router.settings.deployments.filter((deployment) => wanted === null || deployment.id === wanted);
  if (wanted !== null && deployments.length === 0) {
    const error = new NotFoundError(`no deployment with model_info.id "${wanted}"`, { code: 'not_found', param: 'litellm_model_id' });
    record.error = error.code;
    return writeError(res, error);
  }
  writeJson(res, 200, JSON.stringify({ data: deployments.map(modelInfoEntry) }));
}

/**
 * The proxy's request listener: health probes, then (when a `master_key` is set) the Bearer check,
 * then the routes. Every request is tracked until its response closes, for the graceful drain, and
 * logged then as one logfmt line.
 */
export function handleRequest(ctx: ProxyContext, onClosed: () => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const record = new RequestRecord(req.method ?? 'GET', query === -1 ? url : url.slice(0, query));
    record.startedAt = startedAt;
    const active = new ActiveRequest((error) => {
      record.error = error.code;
      writeError(res, error);
    }, res);
    ctx.active.add(active);
    res.once('close', () => {
      active.closed();
      ctx.active.delete(active);
      const clientClosed = !res.writableFinished;
      const status = res.headersSent ? res.statusCode : 499;
      if (ctx.metrics !== undefined && callRoutes.has(record.path)) ctx.metrics.recordRequest(record.path, record.model, status, record.error);
      ctx.log(
        formatRequestLog(record, {
          status,
          durationMs: performance.now() - startedAt,
          clientClosed,
        }),
      );
      onClosed();
    });
    route(ctx, req, res, record, active);
  };
}
