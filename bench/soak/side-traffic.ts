/**
 * The soak's other clients, beside the calls: `GET /health` (every deployment, or one group's, probed
 * against the fault upstream under a short health-check timeout), `GET /v1/router/events` (a live
 * stream opened, read for a few events, then hung up on at a random point) and `GET /metrics`, one
 * after another until the load ends. Each must answer 2xx, with no key in what it sends; a failure is
 * kept as a line saying what and why.
 */
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { SseSplitter } from './classify-outcome.js';

export interface SideTrafficOptions {
  /** The proxy: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `GET /health?model=` picks one of these (or none: every deployment). */
  readonly groups: readonly string[];
  /** Deployments per group, and in all under `''`: a health report must list each exactly once. */
  readonly deploymentCount: (group: string | undefined) => number;
  /** None may appear in any answer. */
  readonly secrets: readonly string[];
  readonly random: () => number;
  /** Whether `/metrics` is served (`callbacks: ["prometheus"]`). */
  readonly metrics: boolean;
  /** Any one request with no answer by then is a failure (and aborted). */
  readonly timeoutMs: number;
}

export interface SideTrafficLedger {
  health: number;
  /** Of them, how many deployments were reported unhealthy (probes that met a fault). */
  unhealthyProbes: number;
  eventStreams: number;
  /** Router events and snapshots read off those streams before hanging up. */
  events: number;
  metricsScrapes: number;
  /** What went wrong, one line each (capped). */
  readonly failures: string[];
  failureCount: number;
}

export interface SideTraffic {
  /** Stops after the request in progress; resolves with the ledger. */
  stop(): Promise<SideTrafficLedger>;
}

const maxFailureLines = 20;

/** Starts `clients` side clients at once against the proxy. */
export function startSideTraffic(options: SideTrafficOptions, dispatcher: Dispatcher, clients = 2): SideTraffic {
  const ledger: SideTrafficLedger = { health: 0, unhealthyProbes: 0, eventStreams: 0, events: 0, metricsScrapes: 0, failures: [], failureCount: 0 };
  let stopped = false;
  const fail = (line: string): void => {
    ledger.failureCount += 1;
    if (ledger.failures.length < maxFailureLines) ledger.failures.push(line);
  };
  const leaked = (what: string, text: string): boolean => {
    const secret = options.secrets.find((key) => text.includes(key));
    if (secret !== undefined) fail(`${what}: shows a deployment's key`);
    return secret !== undefined;
  };

  const health = async (signal: AbortSignal): Promise<void> => {
    const group = options.random() < 0.5 ? undefined : options.groups[Math.floor(options.random() * options.groups.length)];
    const path = group === undefined ? '/health' : `/health?model=${encodeURIComponent(group)}`;
    const { statusCode, body } = await request(`${options.url}${path}`, { dispatcher, signal });
    const text = await body.text();
    ledger.health += 1;
    if (statusCode < 200 || statusCode >= 300) return fail(`GET ${path}: ${statusCode} ${text.slice(0, 200)}`);
    if (leaked(`GET ${path}`, text)) return;
    const report = JSON.parse(text) as { healthy_count?: unknown; unhealthy_count?: unknown; healthy_endpoints?: unknown[]; unhealthy_endpoints?: unknown[] };
    const listed = (report.healthy_endpoints?.length ?? -1) + (report.unhealthy_endpoints?.length ?? -1);
    if (listed !== options.deploymentCount(group) || report.healthy_count !== report.healthy_endpoints?.length) {
      return fail(`GET ${path}: lists ${listed} deployments, not ${options.deploymentCount(group)}: ${text.slice(0, 200)}`);
    }
    ledger.unhealthyProbes += Number(report.unhealthy_count);
  };

  const events = async (signal: AbortSignal): Promise<void> => {
    // Hang up after a few events, or after a while whatever came, whichever is first.
    const wanted = 1 + Math.floor(options.random() * 8);
    const readForMs = options.random() * 800;
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const { statusCode, headers, body } = await request(`${options.url}/v1/router/events`, { dispatcher, signal: controller.signal });
      ledger.eventStreams += 1;
      if (statusCode !== 200 || !String(headers['content-type']).startsWith('text/event-stream')) {
        const text = await body.text().catch(() => '');
        return fail(`GET /v1/router/events: ${statusCode} ${String(headers['content-type'])} ${text.slice(0, 200)}`);
      }
      const splitter = new SseSplitter();
      const decoder = new TextDecoder();
      const started = performance.now();
      let seen = 0;
      let all = '';
      const hangUp = setTimeout(abort, readForMs);
      try {
        for await (const piece of body) {
          const text = decoder.decode(piece as Buffer, { stream: true });
          all += text;
          seen += splitter.push(text).length;
          if (seen >= wanted || performance.now() - started >= readForMs) break;
        }
      } catch {
        // our own hang-up
      } finally {
        clearTimeout(hangUp);
        body.destroy();
      }
      ledger.events += seen;
      leaked('GET /v1/router/events', all);
    } finally {
      signal.removeEventListener('abort', abort);
    }
  };

  const metrics = async (signal: AbortSignal): Promise<void> => {
    const { statusCode, body } = await request(`${options.url}/metrics`, { dispatcher, signal });
    const text = await body.text();
    ledger.metricsScrapes += 1;
    if (statusCode !== 200) return fail(`GET /metrics: ${statusCode} ${text.slice(0, 200)}`);
    leaked('GET /metrics', text);
  };

  const kinds = options.metrics ? [health, events, metrics] : [health, events];
  const client = async (): Promise<void> => {
    while (!stopped) {
      const kind = kinds[Math.floor(options.random() * kinds.length)] as (signal: AbortSignal) => Promise<void>;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      try {
        await kind(controller.signal);
      } catch (error) {
        fail(`${kind.name}: ${controller.signal.aborted ? `no answer within ${options.timeoutMs} ms` : (error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
      await new Promise((resolve) => setTimeout(resolve, options.random() * 100));
    }
  };
  const running = Promise.all(Array.from({ length: clients }, client));
  return {
    async stop() {
      stopped = true;
      await running;
      return ledger;
    },
  };
}
