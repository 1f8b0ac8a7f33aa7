import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import { createProxyServer, type ProxyServer } from '../../src/proxy/create-proxy-server.js';
import type { Provider } from '../../src/providers/provider.js';
import { Router } from '../../src/router/router.js';

/** A proxy on an ephemeral 127.0.0.1 port over a Router made from `config`, its log lines captured. */
export interface TestProxy {
  readonly url: string;
  readonly port: number;
  readonly proxy: ProxyServer;
  readonly router: Router;
  /** Every line the proxy logged, in order. */
  readonly lines: string[];
  /** Graceful close of the proxy, then the router. */
  close(): Promise<void>;
}

export interface TestProxyOptions {
  readonly masterKey?: string;
  readonly maxRequestSizeBytes?: number;
  /** Default 1 s, so that closing after a spec that left a call hanging is quick. */
  readonly drainTimeoutMs?: number;
  /** Default: a provider that fails the spec (mock deployments never reach it). */
  readonly provider?: Provider;
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Serve `GET /metrics` (LiteLLM's `callbacks: ["prometheus"]`). */
  readonly metrics?: boolean;
  readonly requireAuthForMetrics?: boolean;
  /** Background health checks every this many ms (off when absent). */
  readonly healthCheckIntervalMs?: number;
}

const unexpectedProvider: Provider = {
  call: () => {
    throw new Error('this spec uses mock deployments only: the provider must not be called');
  },
};

/**
 * Starts a proxy for a spec.
 *
 * @example
 * const proxy = await startTestProxy({ model_list: [{ model_name: 'm', litellm_params: { model: 'openai/m', mock_response: 'hi' } }] });
 * afterEach(() => proxy.close());
 */
export async function startTestProxy(config: RouterConfig, options: TestProxyOptions = {}): Promise<TestProxy> {
  const router = new Router(config, { provider: options.provider ?? unexpectedProvider, env: {} });
  const lines: string[] = [];
  const proxy = createProxyServer({
    router,
    masterKey: options.masterKey,
    maxRequestSizeBytes: options.maxRequestSizeBytes,
    drainTimeoutMs: options.drainTimeoutMs ?? 1_000,
    headersTimeoutMs: options.headersTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    metrics: options.metrics,
    requireAuthForMetrics: options.requireAuthForMetrics,
    healthCheckIntervalMs: options.healthCheckIntervalMs,
    log: (line) => lines.push(line),
  });
  const { url, port } = await proxy.listen(0, '127.0.0.1');
  return {
    url,
    port,
    proxy,
    router,
    lines,
    close: async () => {
      await proxy.close();
      await router.close();
    },
  };
}

/** A logfmt line as a record (values unquoted), to assert on log fields. */
export function parseLogfmt(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of line.matchAll(/([\w.]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, key, raw] = match;
    if (key === undefined || raw === undefined) continue;
    fields[key] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return fields;
}

/** The `data:` payloads of an SSE body, in order (`[DONE]` included as the string). */
export function sseData(body: string): string[] {
  return body
    .split('\n\n')
    .map((event) => event.trim())
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length));
}

export const messages = [{ role: 'user', content: 'Hi' }];

/** POST a JSON body to the proxy's chat endpoint with fetch. */
export function postChat(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * A raw node:http request whose response can be read piece by piece and whose connection the spec
 * can destroy (a client disconnecting). Resolves with the response once its headers arrive.
 */
export function openRequest(
  url: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): { response: Promise<IncomingMessage>; destroy(): void } {
  const req = httpRequest(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', connection: 'close', ...headers },
    agent: false,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  req.end(JSON.stringify(body));
  return {
    response,
    destroy: () => req.destroy(),
  };
}

/** Reads a response to its end as text. */
export async function readAll(response: IncomingMessage): Promise<string> {
  let text = '';
  response.setEncoding('utf8');
  for await (const piece of response) text += piece as string;
  return text;
}
