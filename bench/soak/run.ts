/**
 * `npm run soak`: a fault-injecting soak of the rxllm proxy, run as the real CLI in its own process.
 *
 *   npm run soak                                  # 5 minutes, 10 % faults
 *   npm run soak -- --quick                       # 30 s
 *   npm run soak -- --duration 600 --rate 0.2 --concurrency 64 --disconnect-rate 0.1 --seed 7
 *   npm run soak -- --quick --redis                # two proxies sharing one redis-server, killed and restarted mid-run
 *
 * The fault upstream and the clients run in this process; the proxy (`node --import tsx
 * src/cli/main.ts --config <generated yaml>`) in its own, sampled once a second from /proc (RSS, open
 * fds) and through a preloaded heap probe. Prints the outcomes per fault and in total, the
 * upstream requests left open after a settle, latency, and the resource trend after warm-up; exits 1
 * when an invariant is broken (check-invariants.ts).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request } from 'undici';
import { checkInvariants, type ResourceTrend } from './check-invariants.js';
import { checkMetrics, parsePrometheusText } from './check-metrics.js';
import { startRedisServer, type RedisServer } from '../../specs/support/redis-server.js';
import { startFaultUpstream } from './fault-upstream.js';
import { seededRandom } from './faults.js';
import { leastSquaresSlope } from './least-squares-slope.js';
import { readProcess, sampleProcess, type ResourceSample } from './process-sampler.js';
import { detailTable, outcomeTable, trafficTable, trendTable, upstreamRouteTable, type TrendLine } from './print-report.js';
import { runLoad } from './run-load.js';
import { startSideTraffic } from './side-traffic.js';
import { soakApiKeys, soakConfigYaml, soakDeadlineS, soakRouterConfig, soakTraffic } from './soak-config.js';
import { summarize } from './soak-summary.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    rate: { type: 'string', default: '0.1' },
    concurrency: { type: 'string', default: '32' },
    'disconnect-rate': { type: 'string', default: '0.05' },
    'stream-share': { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '1' },
    settle: { type: 'string', default: '3' },
    'max-heap-slope': { type: 'string', default: '2048' },
    'max-rss-slope': { type: 'string' },
    'max-fd-slope': { type: 'string', default: '10' },
    redis: { type: 'boolean', default: false },
  },
});

function numberFlag(name: string, text: string | undefined, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < min || value > max) {
    process.stderr.write(`soak: --${name}: expected a number from ${min} to ${max}, got "${text}"\n`);
    process.exit(2);
  }
  return value;
}

const durationS = numberFlag('duration', values.duration ?? (values.quick ? '30' : '300'), 1, 86_400);
const faultRate = numberFlag('rate', values.rate, 0, 1);
const concurrency = numberFlag('concurrency', values.concurrency, 1, 4_096);
const disconnectRate = numberFlag('disconnect-rate', values['disconnect-rate'], 0, 1);
const streamShare = numberFlag('stream-share', values['stream-share'], 0, 1);
const seed = numberFlag('seed', values.seed, 0, 2 ** 32);
const settleS = numberFlag('settle', values.settle, 0, 60);
// The V8 heap is what a leak grows: judged by default. RSS also moves with the allocator and the
// heap's own sizing (two 5-minute runs read +2.2 and -4.4 MiB/min with the heap flat and the same
// RSS after the settle): printed, and judged only when a bound is asked for.
const maxHeapSlope = numberFlag('max-heap-slope', values['max-heap-slope'], 0, Infinity);
const maxRssSlope = values['max-rss-slope'] === undefined ? undefined : numberFlag('max-rss-slope', values['max-rss-slope'], 0, Infinity);
const maxFdSlope = numberFlag('max-fd-slope', values['max-fd-slope'], 0, Infinity);
// Memory grows while caches, pools and the JIT fill up: the trend is read after that.
const warmupS = Math.min(60, durationS / 3);

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitReady(url: string, exited: () => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline && !exited()) {
    try {
      const { statusCode, body } = await request(`${url}/health/readiness`);
      await body.dump();
      if (statusCode === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the proxy did not become ready within 30 s');
}

function trend(name: string, unit: string, samples: readonly ResourceSample[], pick: (sample: ResourceSample) => number | undefined): TrendLine | undefined {
  const points = samples.flatMap((sample) => {
    const y = pick(sample);
    return y === undefined || !Number.isFinite(y) ? [] : [{ x: sample.atS / 60, y }];
  });
  if (points.length < 2) return undefined;
  const ys = points.map((point) => point.y);
  return {
    name,
    unit,
    first: ys[0] as number,
    last: ys[ys.length - 1] as number,
    min: Math.min(...ys),
    max: Math.max(...ys),
    slopePerMinute: leastSquaresSlope(points),
    floorSlopePerMinute: leastSquaresSlope(floors(points)),
  };
}

/**
 * The lowest point of each 30-second window: what is left after the garbage collector ran. A leak
 * raises these floors; a GC sawtooth (the heap went 29 → 112 → 34 MiB within minutes in a 5-minute
 * run, flat underneath) only moves the points between them.
 */
function floors(points: readonly { x: number; y: number }[]): { x: number; y: number }[] {
  const windows = new Map<number, { x: number; y: number }>();
  for (const point of points) {
    const window = Math.floor(point.x * 2);
    const lowest = windows.get(window);
    if (lowest === undefined || point.y < lowest.y) windows.set(window, point);
  }
  return [...windows.values()];
}

const random = seededRandom(seed);
const upstream = await startFaultUpstream({ faultRate, random });
// --redis: one real redis-server (persistence off) shared by two proxies, killed and restarted mid-run.
const redis: RedisServer | undefined = values.redis ? await startRedisServer() : undefined;
const dir = mkdtempSync(join(tmpdir(), 'rxllm-soak-'));
const configPath = join(dir, 'config.yaml');
writeFileSync(configPath, soakConfigYaml(upstream.origin, redis?.url));

interface ProxyProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ReturnType<typeof spawn>;
  exited: boolean;
}

async function spawnProxy(): Promise<ProxyProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', './bench/soak/heap-probe.ts', 'src/cli/main.ts', '--config', configPath, '--port', String(port)],
    // The per-request log lines go nowhere: writing them is the proxy's cost, reading them is not the soak's.
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  const spawned: ProxyProcess = { url: `http://127.0.0.1:${port}`, pid: child.pid as number, child, exited: false };
  child.once('exit', () => (spawned.exited = true));
  return spawned;
}

const proxies = [await spawnProxy(), ...(redis === undefined ? [] : [await spawnProxy()])];
// The first proxy is the one sampled (and the one the report's process figures are about).
const { url, pid, child: proxy } = proxies[0] as ProxyProcess;

console.log(
  `rxllm soak: ${durationS} s, ${(faultRate * 100).toFixed(0)} % faults, ${concurrency} clients, ` +
    `${(disconnectRate * 100).toFixed(0)} % disconnects, ${(streamShare * 100).toFixed(0)} % streaming, seed ${seed}; ` +
    `proxy pid ${proxies.map((one) => `${one.pid} on ${one.url}`).join(' and ')}${redis === undefined ? '' : ` sharing ${redis.url}`}, upstream ${upstream.origin} (OpenAI, Azure, Gemini, Anthropic, Bedrock); node ${process.version}, ${cpus().length} cores`,
);
for (const one of proxies) await waitReady(one.url, () => one.exited);

const sampler = sampleProcess(pid);
proxy.on('message', (message: { heapUsed?: unknown; liveHeap?: unknown }) => {
  if (typeof message.heapUsed === 'number') sampler.reportHeap(message.heapUsed, typeof message.liveHeap === 'number' ? message.liveHeap : undefined);
});
// Beside the calls: GET /health, GET /v1/router/events (hung up on at random) and GET /metrics.
const { model_list: deployments } = soakRouterConfig(upstream.origin);
const secrets = Object.values(soakApiKeys);
const sideDispatcher = new Agent();
const sideTraffics = proxies.map((one) => startSideTraffic(
  {
    url: one.url,
    groups: [...new Set(deployments.map((deployment) => deployment.model_name))],
    deploymentCount: (group) => deployments.filter((deployment) => group === undefined || deployment.model_name === group).length,
    secrets,
    random,
    metrics: true,
    timeoutMs: 10_000,
  },
  sideDispatcher,
  proxies.length === 1 ? 2 : 1,
));
let received = 0;
let lastPrint = performance.now();
const started = performance.now();
// Redis dies (SIGKILL, as a crash) a third of the way in and comes back, empty, after a sixth of the run.
const outage = redis === undefined ? undefined : { atS: durationS / 3, forS: Math.min(30, durationS / 6), log: [] as string[] };
let outageDone = Promise.resolve();
if (redis !== undefined && outage !== undefined) {
  outageDone = (async () => {
    await new Promise((resolve) => setTimeout(resolve, outage.atS * 1000));
    await redis.stop('SIGKILL');
    outage.log.push(`redis-server killed at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`  ${outage.log[outage.log.length - 1]}`);
    await new Promise((resolve) => setTimeout(resolve, outage.forS * 1000));
    await redis.start();
    outage.log.push(`redis-server back at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`  ${outage.log[outage.log.length - 1]}`);
  })();
}
const load = await runLoad({
  url: proxies.map((one) => one.url),
  traffic: soakTraffic(),
  concurrency,
  durationMs: durationS * 1000,
  streamShare,
  disconnectRate,
  // Longer than any answer the config allows (the whole-call deadline), so a late one is a lost one.
  watchdogMs: (soakDeadlineS + 10) * 1000,
  random,
  onOutcome: () => {
    received += 1;
    if (performance.now() - lastPrint < 10_000) return;
    lastPrint = performance.now();
    const now = readProcess(pid);
    const heap = sampler.samples[sampler.samples.length - 1]?.heapUsedKiB;
    console.log(
      `  ${((lastPrint - started) / 1000).toFixed(0).padStart(4)} s  ${String(received).padStart(7)} outcomes  ` +
        `${upstream.requests} upstream requests, ${upstream.open} open  RSS ${((now?.rssKiB ?? 0) / 1024).toFixed(1)} MiB  ` +
        `fds ${now?.fds ?? '?'}  heap ${heap === undefined ? '?' : (heap / 1024).toFixed(1)} MiB`,
    );
  },
});
const loadEndS = (performance.now() - started) / 1000;
const sides = await Promise.all(sideTraffics.map((one) => one.stop()));
const side = {
  health: sides.reduce((sum, one) => sum + one.health, 0),
  unhealthyProbes: sides.reduce((sum, one) => sum + one.unhealthyProbes, 0),
  eventStreams: sides.reduce((sum, one) => sum + one.eventStreams, 0),
  events: sides.reduce((sum, one) => sum + one.events, 0),
  metricsScrapes: sides.reduce((sum, one) => sum + one.metricsScrapes, 0),
  failures: sides.flatMap((one) => one.failures),
  failureCount: sides.reduce((sum, one) => sum + one.failureCount, 0),
};
await outageDone;
const settleStarted = performance.now();
while (upstream.open > 0 && performance.now() - settleStarted < settleS * 1000) await new Promise((resolve) => setTimeout(resolve, 50));
const openAfterSettle = upstream.open;
// The proxy counts a request when its response closes: read /metrics once it has nothing in flight
// but the scrape itself (`litellm_in_flight_requests` 1), or after 5 s whatever it says.
// With two proxies, their pages together: the counters add up.
let metricsText = '';
for (const one of proxies) {
  for (const until = performance.now() + 5_000; ; ) {
    const scrape = await request(`${one.url}/metrics`, { dispatcher: sideDispatcher });
    const text = await scrape.body.text();
    const inFlight = parsePrometheusText(text).find((sample) => sample.name === 'litellm_in_flight_requests')?.value;
    if (inFlight === 1 || performance.now() > until) {
      metricsText += text;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
await sideDispatcher.close();
const metrics = checkMetrics(metricsText, load.outcomes, secrets);
const afterSettle = readProcess(pid);
sampler.stop();

const summary = summarize(load.outcomes, upstream.servedFor, upstream.counts());
// Samples are timed from when sampling began, a little before the load: close enough for a trend.
const steady = sampler.samples.filter((sample) => sample.atS >= warmupS && sample.atS <= loadEndS);
const trends = [
  trend('RSS', 'KiB', steady, (sample) => sample.rssKiB),
  trend('V8 heap used', 'KiB', steady, (sample) => sample.heapUsedKiB),
  trend('live heap (after full GC)', 'KiB', steady, (sample) => sample.liveHeapKiB),
  trend('open fds', 'fds', steady, (sample) => sample.fds),
].filter((line): line is TrendLine => line !== undefined);
// Under two minutes of samples a GC sawtooth or a pool's swing reads as a slope: reported, not judged.
const judged = loadEndS - warmupS >= 120;
const bounded: ResourceTrend[] = trends.flatMap((line) =>
  !judged
    ? []
    : line.name === 'live heap (after full GC)'
    ? [{ ...line, maxSlopePerMinute: maxHeapSlope }]
    : line.name === 'RSS' && maxRssSlope !== undefined
      ? [{ ...line, maxSlopePerMinute: maxRssSlope }]
    : line.name === 'open fds'
      ? [{ ...line, maxSlopePerMinute: maxFdSlope }]
      : [],
);
const violations = [...checkInvariants(summary, openAfterSettle, bounded), ...metrics.violations];
if (side.failureCount > 0) violations.push(`${side.failureCount} side requests failed (${side.failures.slice(0, 3).join('; ')})`);

console.log(`\n## Outcomes per fault (a request counts under every fault its upstream attempts met; ${load.sent} requests in ${loadEndS.toFixed(1)} s, ${(load.sent / loadEndS).toFixed(0)} req/s)\n`);
console.log(outcomeTable(summary));
console.log('\n## Outcomes per kind of request (model group: one per wire format; endpoint; stream or JSON)\n');
console.log(trafficTable(summary));
console.log('\n## Upstream requests per wire format and endpoint (text completions reach chat-only providers as chat)\n');
console.log(upstreamRouteTable(upstream.countsByRoute()));
console.log('\n## Outcomes by status and code\n');
console.log(detailTable(summary));
console.log(`\n## Proxy process (pid ${pid}): sampled every second; trend from ${warmupS.toFixed(0)} s to the end of the load (${steady.length} samples)\n`);
console.log(trendTable(trends));
const rssBound = maxRssSlope === undefined ? 'RSS reported, not judged' : `|RSS slope| <= ${maxRssSlope} KiB/min`;
if (!judged) console.log(`\n(Trend not judged: under 120 s of samples after warm-up. Bounds: heap ${maxHeapSlope} KiB/min, fds ${maxFdSlope}/min.)`);
else console.log(`\n(Bounds: live heap floors rising <= ${maxHeapSlope} KiB/min, fd floors rising <= ${maxFdSlope}/min; ${rssBound}.)`);
console.log(
  `\nAfter a settle of up to ${settleS} s: ${openAfterSettle} upstream requests open; proxy RSS ${((afterSettle?.rssKiB ?? 0) / 1024).toFixed(1)} MiB, ${afterSettle?.fds ?? '?'} fds.`,
);
console.log(
  `Sent ${summary.total.sent}, outcomes ${summary.total.received}, lost ${summary.total.sent - summary.total.received}, ` +
    `duplicates ${summary.total.byClass.duplicate}, gaps ${summary.total.byClass.gap}, truncations ${summary.total.byClass.truncated}, ` +
    `broken ${summary.total.byClass.broken}, upstream left open ${openAfterSettle}.`,
);
console.log(
  `/metrics: litellm_proxy_total_requests_metric_total ${metrics.proxyTotal} = ${metrics.answered} answered + ${metrics.surplus} of the ${metrics.unanswered} that hung up before a status; ` +
    `hedges ${Object.entries(metrics.hedges).map(([outcome, count]) => `${outcome} ${count}`).join(', ') || 'none'}.`,
);
console.log(
  `Beside the calls: ${side.health} GET /health (${side.unhealthyProbes} deployments reported unhealthy), ${side.eventStreams} GET /v1/router/events ` +
    `(${side.events} events read, then hung up), ${side.metricsScrapes} GET /metrics; ${side.failureCount} failed.`,
);
if (outage !== undefined) console.log(`Two proxies on one redis-server: ${outage.log.join(', ')}; the invariants above held across the outage or name what broke.`);
if (violations.length === 0) console.log('\nEvery invariant held.');
else console.log(`\nINVARIANTS BROKEN:\n${violations.map((line) => `  - ${line}`).join('\n')}`);

for (const one of proxies) {
  one.child.kill('SIGTERM');
  await Promise.race([once(one.child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  if (!one.exited) one.child.kill('SIGKILL');
}
await redis?.stop();
await upstream.close();
rmSync(dir, { recursive: true, force: true });
process.exit(violations.length === 0 ? 0 : 1);
