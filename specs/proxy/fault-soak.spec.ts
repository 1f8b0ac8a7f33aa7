import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../bench/soak/check-invariants.js';
import { checkMetrics, type MetricsLedger } from '../../bench/soak/check-metrics.js';
import { classifyCompletion, classifyEmbedding, classifyStream } from '../../bench/soak/classify-outcome.js';
import { startFaultUpstream, type FaultUpstream } from '../../bench/soak/fault-upstream.js';
import { faultKinds, seededRandom, type Served } from '../../bench/soak/faults.js';
import { soakEndpoints, soakFormatNames } from '../../bench/soak/formats/soak-wire-format.js';
import { runLoad, type LoadResult } from '../../bench/soak/run-load.js';
import { sendSoakRequest, type Outcome } from '../../bench/soak/soak-client.js';
import { soakApiKeys, soakHedgedGroups, soakRouterConfig, soakTraffic } from '../../bench/soak/soak-config.js';
import { startSideTraffic, type SideTrafficLedger } from '../../bench/soak/side-traffic.js';
import { summarize } from '../../bench/soak/soak-summary.js';
import { tokenOf } from '../../bench/soak/tokens.js';
import { createProxyServer, type ProxyServer } from '../../src/proxy/create-proxy-server.js';
import { Router } from '../../src/router/router.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import { waitUntil } from '../support/wait-until.js';
import { settle, watchUnhandledErrors, type UnhandledErrorWatch } from '../support/watch-unhandled-errors.js';

/** `data:` payloads of a chunk stream carrying `tokens` as content, one chunk each. */
function chunks(tokens: readonly string[]): string[] {
  return tokens.map((content) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] }));
}

const error = JSON.stringify({ error: { message: 'idle', type: 'timeout_error', param: null, code: 'idle_timeout' } });

describe('the soak classifier', () => {
  it('passes a whole stream: one response, every token in order, then [DONE]', () => {
    const events = [...chunks([tokenOf(7, 0, 3), tokenOf(7, 1, 3), tokenOf(7, 2, 3)]), '[DONE]'];
    expect(classifyStream(events, 'end')).toEqual({ class: 'ok-stream', detail: 'ok' });
  });

  it('flags a duplicated token', () => {
    const events = [...chunks([tokenOf(7, 0, 3), tokenOf(7, 1, 3), tokenOf(7, 1, 3), tokenOf(7, 2, 3)]), '[DONE]'];
    expect(classifyStream(events, 'end').class).toBe('duplicate');
  });

  it('flags tokens of a second upstream response spliced in (a retry after the commit point)', () => {
    const events = [...chunks([tokenOf(7, 0, 3), tokenOf(8, 0, 3), tokenOf(8, 1, 3), tokenOf(8, 2, 3)]), '[DONE]'];
    expect(classifyStream(events, 'end').class).toBe('duplicate');
  });

  it('flags a stream that ends without [DONE] and without an error event as truncated', () => {
    expect(classifyStream(chunks([tokenOf(7, 0, 3), tokenOf(7, 1, 3)]), 'end').class).toBe('truncated');
    expect(classifyStream(chunks([tokenOf(7, 0, 3)]), 'error').class).toBe('truncated');
  });

  it('flags a [DONE] that comes before every token did as a gap', () => {
    expect(classifyStream([...chunks([tokenOf(7, 0, 3), tokenOf(7, 2, 3)]), '[DONE]'], 'end').class).toBe('gap');
    expect(classifyStream([...chunks([tokenOf(7, 0, 3), tokenOf(7, 1, 3)]), '[DONE]'], 'end').class).toBe('gap');
  });

  it('counts an error event after an ordered prefix as a stream error, by code; anything after it is broken', () => {
    expect(classifyStream([...chunks([tokenOf(7, 0, 3)]), error], 'end')).toEqual({ class: 'stream-error', detail: 'idle_timeout' });
    expect(classifyStream([...chunks([tokenOf(7, 0, 3)]), error, '[DONE]'], 'end').class).toBe('broken');
  });

  it('reads a text-completion stream by its choices[0].text, and refuses chat chunks in it', () => {
    const pieces = (tokens: readonly string[]): string[] =>
      tokens.map((text) => JSON.stringify({ id: 'c', object: 'text_completion', choices: [{ index: 0, text, finish_reason: null }] }));
    expect(classifyStream([...pieces([tokenOf(4, 0, 2), tokenOf(4, 1, 2)]), '[DONE]'], 'end', 'completion')).toEqual({ class: 'ok-stream', detail: 'ok' });
    expect(classifyStream([...pieces([tokenOf(4, 0, 2)]), '[DONE]'], 'end', 'completion').class).toBe('gap');
    expect(classifyStream([...pieces([tokenOf(4, 0, 2), tokenOf(4, 0, 2)]), '[DONE]'], 'end', 'completion').class).toBe('duplicate');
    expect(classifyStream(pieces([tokenOf(4, 0, 2)]), 'end', 'completion').class).toBe('truncated');
    expect(classifyStream([...chunks([tokenOf(4, 0, 1)]), '[DONE]'], 'end', 'completion').class).toBe('broken');
  });

  it('passes a text completion only whole, as a text_completion', () => {
    const completion = (text: string, object = 'text_completion'): string => JSON.stringify({ object, choices: [{ index: 0, text, finish_reason: 'stop' }] });
    expect(classifyCompletion(completion(tokenOf(5, 0, 2) + tokenOf(5, 1, 2)), 'completion').class).toBe('ok-json');
    expect(classifyCompletion(completion(tokenOf(5, 0, 2)), 'completion').class).toBe('gap');
    expect(classifyCompletion(completion(tokenOf(5, 0, 1), 'chat.completion'), 'completion').class).toBe('broken');
  });

  it('passes embeddings only as a well-formed list with one vector per input, in order', () => {
    const list = (items: readonly unknown[]): string => JSON.stringify({ object: 'list', data: items, model: 'm', usage: { prompt_tokens: 1, total_tokens: 1 } });
    const vector = (index: number): unknown => ({ object: 'embedding', index, embedding: [0.1, 0.2] });
    expect(classifyEmbedding(list([vector(0), vector(1)]), 2)).toEqual({ class: 'ok-json', detail: 'ok' });
    expect(classifyEmbedding(list([vector(0)]), 2).class).toBe('gap');
    expect(classifyEmbedding(list([vector(0), vector(1), vector(2)]), 2).class).toBe('duplicate');
    expect(classifyEmbedding(list([vector(1), vector(0)]), 2).class).toBe('broken');
    expect(classifyEmbedding(list([vector(0), { object: 'embedding', index: 1, embedding: [] }]), 2).class).toBe('broken');
    expect(classifyEmbedding(JSON.stringify({ data: [vector(0)] }), 1).class).toBe('broken');
  });

  it('checks a JSON completion the same way', () => {
    const completion = (content: string): string => JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] });
    expect(classifyCompletion(completion(tokenOf(3, 0, 2) + tokenOf(3, 1, 2))).class).toBe('ok-json');
    expect(classifyCompletion(completion(tokenOf(3, 0, 2) + tokenOf(3, 0, 2) + tokenOf(3, 1, 2))).class).toBe('duplicate');
    expect(classifyCompletion(completion(tokenOf(3, 0, 2))).class).toBe('gap');
  });
});

describe('the soak client, against a proxy that breaks its promises', () => {
  let server: Server;
  let url: string;
  let body: string;
  const dispatcher = new Agent();

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await dispatcher.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (): Promise<Outcome> =>
    sendSoakRequest(dispatcher, url, { user: 'u', model: 'm', stream: true, disconnect: { kind: 'none' }, watchdogMs: 5_000 });

  it('reports a stream cut short as truncated, and the invariants say so', async () => {
    body = chunks([tokenOf(1, 0, 3), tokenOf(1, 1, 3)]).map((data) => `data: ${data}\n\n`).join('');
    const outcome = await send();
    expect(outcome.class).toBe('truncated');
    const summary = summarize([outcome], () => [], emptyUpstreamCounts());
    expect(checkInvariants(summary, 0)).toEqual(['1 truncated outcomes (truncated ended without [DONE] or an error event)']);
  });

  it('reports a duplicated token as a duplicate', async () => {
    body = [...chunks([tokenOf(1, 0, 2), tokenOf(1, 0, 2), tokenOf(1, 1, 2)]), '[DONE]'].map((data) => `data: ${data}\n\n`).join('');
    expect((await send()).class).toBe('duplicate');
  });

  it('the invariants flag upstream requests left open', () => {
    expect(checkInvariants(summarize([], () => [], emptyUpstreamCounts()), 2)).toEqual(['2 upstream requests still open after the settle']);
  });
});

function emptyUpstreamCounts(): Parameters<typeof summarize>[2] {
  const counts = {} as Record<string, { requests: number; finished: number; closedEarly: number; open: number }>;
  for (const name of ['none', ...faultKinds]) counts[name] = { requests: 0, finished: 0, closedEarly: 0, open: 0 };
  return counts as Parameters<typeof summarize>[2];
}

describe('a short fault soak of the proxy, every wire format and endpoint', () => {
  const random = seededRandom(11);
  let upstream: FaultUpstream;
  let router: Router;
  let proxy: ProxyServer;
  let load: LoadResult;
  let side: SideTrafficLedger;
  let metrics: MetricsLedger;
  let unhandled: UnhandledErrorWatch;
  const hedgeEvents: RouterEvent[] = [];
  const dispatcher = new Agent();

  beforeAll(async () => {
    unhandled = watchUnhandledErrors();
    // Faults at 40 % (not the soak's 10 %) so that a few hundred requests meet every fault in every format.
    upstream = await startFaultUpstream({ faultRate: 0.4, random });
    const config = soakRouterConfig(upstream.origin);
    router = new Router(config, { env: {} });
    router.events$.subscribe((event) => {
      if (event.type === 'hedgeStarted' || event.type === 'hedgeWon') hedgeEvents.push(event);
    });
    proxy = createProxyServer({ router, log: () => {}, drainTimeoutMs: 1_000, metrics: true });
    const { url } = await proxy.listen(0, '127.0.0.1');
    const secrets = Object.values(soakApiKeys);
    const sideTraffic = startSideTraffic(
      {
        url,
        groups: [...new Set(config.model_list.map((deployment) => deployment.model_name))],
        deploymentCount: (group) => config.model_list.filter((deployment) => group === undefined || deployment.model_name === group).length,
        secrets,
        random,
        metrics: true,
        timeoutMs: 5_000,
      },
      dispatcher,
    );
    load = await runLoad({
      url,
      traffic: soakTraffic(),
      concurrency: 24,
      durationMs: 15_000,
      maxRequests: 400,
      disconnectRate: 0.1,
      watchdogMs: 12_000,
      random,
    });
    side = await sideTraffic.stop();
    // The settle: every hung upstream request must be aborted by a clock of the proxy's (a few hundred ms).
    await waitUntil(() => upstream.open === 0, 5_000, 'the upstream requests to close').catch(() => {});
    // A request is counted when its response closes, which may come just after its client read it.
    await waitUntil(() => proxy.inFlight === 0, 5_000, 'the proxy to have nothing in flight').catch(() => {});
    const scrape = await request(`${url}/metrics`, { dispatcher });
    metrics = checkMetrics(await scrape.body.text(), load.outcomes, secrets);
  }, 30_000);

  afterAll(async () => {
    await dispatcher.close();
    await proxy.close();
    await router.close();
    await upstream.close();
    await settle();
    unhandled.stop();
  });

  it('gives every request exactly one outcome, with no duplicate, gap, truncation or upstream request left open', () => {
    const summary = summarize(load.outcomes, upstream.servedFor, upstream.counts());
    expect(load.outcomes).toHaveLength(load.sent);
    expect(checkInvariants(summary, upstream.open)).toEqual([]);
    expect(proxy.inFlight).toBe(0);
    expect(unhandled.errors).toEqual([]);
  });

  it('met every fault of the matrix in every wire format, and the faults reached the clients as typed outcomes', () => {
    const byFormat = new Map<string, Set<Served>>();
    for (const [route, counts] of Object.entries(upstream.countsByRoute())) {
      const format = route.split(' ')[0] as string;
      const met = byFormat.get(format) ?? new Set<Served>();
      for (const fault of faultKinds) if ((counts?.[fault] ?? 0) > 0) met.add(fault);
      byFormat.set(format, met);
    }
    for (const format of soakFormatNames) expect([...(byFormat.get(format) ?? [])].sort(), format).toEqual([...faultKinds].sort());
    const classes = new Set(load.outcomes.map((outcome) => outcome.class));
    for (const seen of ['ok-json', 'ok-stream', 'stream-error', 'client-aborted'] as const) expect(classes).toContain(seen);
    expect(load.sent).toBeGreaterThanOrEqual(200);
  });

  it('hedged all through the run, and every hedge that lost was closed upstream (none left open)', () => {
    const started = hedgeEvents.filter((event) => event.type === 'hedgeStarted');
    const losers = hedgeEvents.flatMap((event) => (event.type === 'hedgeWon' ? event.losers : []));
    expect(started.length).toBeGreaterThan(0);
    expect(losers.length).toBeGreaterThan(0);
    expect(new Set(started.map((event) => event.group))).toEqual(new Set(soakHedgedGroups));
    // The losers' upstream requests were aborted: each closed before its response finished.
    expect(upstream.open).toBe(0);
    const total = Object.values(upstream.counts()).reduce((sum, counts) => sum + counts.closedEarly, 0);
    expect(total).toBeGreaterThanOrEqual(losers.length);
    expect(metrics.hedges['started']).toBe(started.length);
  });

  it("counts in /metrics exactly the requests the clients were answered, plus at most those that hung up before an answer, and shows no key", () => {
    expect(metrics.violations).toEqual([]);
    expect(metrics.answered).toBeGreaterThan(0);
    expect(metrics.proxyTotal).toBeGreaterThanOrEqual(metrics.answered);
    expect(metrics.proxyTotal).toBeLessThanOrEqual(load.sent);
  });

  it('answered GET /health, GET /v1/router/events and GET /metrics with 2xx all through the run, with no key', () => {
    expect(side.failures).toEqual([]);
    expect(side.health).toBeGreaterThan(0);
    expect(side.eventStreams).toBeGreaterThan(0);
    expect(side.events).toBeGreaterThan(0);
    expect(side.metricsScrapes).toBeGreaterThan(0);
  });

  it('carried every endpoint, streamed and not, through every format, and each got whole answers', () => {
    const routes = Object.keys(upstream.countsByRoute());
    for (const format of soakFormatNames) {
      expect(routes, format).toContain(`${format} chat stream`);
      expect(routes, format).toContain(`${format} chat json`);
    }
    for (const format of ['openai', 'azure'] as const) {
      for (const route of ['completion stream', 'completion json', 'embedding json']) expect(routes).toContain(`${format} ${route}`);
    }
    for (const endpoint of soakEndpoints) {
      const classes = new Set(load.outcomes.filter((outcome) => outcome.endpoint === endpoint).map((outcome) => outcome.class));
      expect(classes, endpoint).toContain('ok-json');
      if (endpoint !== 'embedding') expect(classes, endpoint).toContain('ok-stream');
    }
  });
});
