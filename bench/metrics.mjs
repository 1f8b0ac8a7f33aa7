// Section "metrics": what `GET /metrics` costs the proxy. Two rxllm CLI processes with
// bench/config.yaml, one with LiteLLM's `litellm_settings.callbacks: [prometheus]` added (metrics on:
// the registry subscribes to the router's events) and one without (off: no listener, the router
// builds no event at all), in one interleaved run: each round runs both, JSON then SSE, the order
// flipping every round. Per window: throughput (autocannon, 50 connections, closed loop) and the
// server's CPU µs per request (from /proc). After each "on" window, outside the measured time, one
// scrape (as Prometheus would every 15 s): its size and time, and a check that the counters saw every
// request the load generator got an answer to.
//
// Run: node bench/metrics.mjs [--quick] [--rounds N] [--seconds S]   (after `npm run build`)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { request as undiciRequest } from 'undici';
import { messages } from './lib/fixtures.mjs';
import { coreFor, cpuMicros, pinning, rssKiB, startNode, stop } from './lib/processes.mjs';
import { fmt, median, nowMs, table } from './lib/stats.mjs';
import { freePort, waitReady } from './lib/listening.mjs';
import { numberOption } from './lib/args.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name, fallback) => numberOption(args, name, fallback);
const rounds = option('--rounds', quick ? 2 : 6);
const seconds = option('--seconds', quick ? 1.5 : 3);
const connections = 50;
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const bodies = {
  json: JSON.stringify({ model: 'bench', messages }),
  sse: JSON.stringify({ model: 'bench', messages, stream: true }),
};

function cannon(url, kind, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${url}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[kind], connections, duration },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Sum of a counter's samples in a scrape (every label set). */
function counterSum(text, name) {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/**
 * In process, no HTTP: the CPU a call costs a Router with and without `routerMetrics` listening (mock
 * deployments, so the figure is the router's and the metrics' own). CPU time, not wall time: other
 * processes on the machine slow it down but do not add to it. Both routers take turns, `batches` times.
 */
async function inProcess(batches, callsPerBatch) {
  const { Router, routerMetrics } = await import('../dist/index.js');
  const config = {
    model_list: [
      { model_name: 'bench', litellm_params: { model: 'openai/bench-a', api_key: 'sk-bench', mock_response: 'hi' }, model_info: { id: 'bench-a' } },
      { model_name: 'bench', litellm_params: { model: 'openai/bench-b', api_key: 'sk-bench', mock_response: 'hi' }, model_info: { id: 'bench-b' } },
    ],
    num_retries: 2,
  };
  const routers = { off: new Router(config, { env: {} }), on: new Router(config, { env: {} }) };
  const metrics = routerMetrics(routers.on);
  const request = { model: 'bench', messages };
  const cpu = { off: [], on: [] };
  for (let batch = 0; batch < batches + 1; batch++) {
    for (const name of batch % 2 ? ['on', 'off'] : ['off', 'on']) {
      const start = process.cpuUsage();
      for (let i = 0; i < callsPerBatch; i++) await routers[name].completion(request);
      const used = process.cpuUsage(start);
      if (batch > 0) cpu[name].push((used.user + used.system) / callsPerBatch); // batch 0 warms up
    }
  }
  const text = await metrics.text();
  metrics.close();
  await Promise.all([routers.off.close(), routers.on.close()]);
  return { off: median(cpu.off), on: median(cpu.on), counted: counterSum(text, 'litellm_deployment_success_responses_total'), calls: (batches + 1) * callsPerBatch };
}

const dir = mkdtempSync(join(tmpdir(), 'rxllm-bench-metrics-'));
const base = readFileSync(here('./config.yaml'), 'utf8');
const onConfig = join(dir, 'config-metrics.yaml');
writeFileSync(onConfig, `${base}\nlitellm_settings:\n  callbacks: [prometheus]\n`);

const mockPort = await freePort();
const { child: mock } = await startNode(here('./mock-upstream.mjs'), [String(mockPort)], { core: coreFor('client') });
const upstream = `http://127.0.0.1:${mockPort}`;
const targets = [];
for (const [name, config] of [
  ['metrics off', here('./config.yaml')],
  ['metrics on', onConfig],
]) {
  const port = await freePort();
  const { child } = await startNode(here('../dist/cli/main.js'), ['--config', config, '--port', String(port), '--host', '127.0.0.1'], {
    core: coreFor('server'),
    env: { BENCH_UPSTREAM: `${upstream}/v1` },
    ready: false,
  });
  targets.push({ name, url: `http://127.0.0.1:${port}`, child });
}
try {
  for (const target of targets) await waitReady(target.url);
} catch (error) {
  await Promise.all([...targets.map((target) => stop(target.child)), stop(mock)]);
  rmSync(dir, { recursive: true, force: true });
  throw error;
}

const results = new Map();
for (const kind of ['json', 'sse']) for (const target of targets) results.set(`${kind} ${target.name}`, { rps: [], cpu: [], util: [], bad: 0 });
for (const kind of ['json', 'sse']) for (const target of targets) await cannon(target.url, kind, 1); // warm-up

const on = targets[1];
const scrapes = { ms: [], bytes: 0, answered: 0, counted: 0 };
const scrape = async () => {
  const t0 = nowMs();
  const { statusCode, body } = await undiciRequest(`${on.url}/metrics`);
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`/metrics answered ${statusCode}`);
  scrapes.ms.push(nowMs() - t0);
  scrapes.bytes = text.length;
  return text;
};
// Every answered call is one successful attempt (the mock never fails): the counters must have seen them all.
let answeredOn = 0;
const before = counterSum(await scrape(), 'litellm_deployment_success_responses_total');

for (let round = 0; round < rounds; round++) {
  for (const kind of ['json', 'sse']) {
    for (const target of round % 2 ? [...targets].reverse() : targets) {
      const r = results.get(`${kind} ${target.name}`);
      const cpu0 = cpuMicros(target.child.pid);
      const t0 = nowMs();
      const result = await cannon(target.url, kind, seconds);
      const wallMs = nowMs() - t0;
      const served = result.requests.total;
      const cpu = cpuMicros(target.child.pid) - cpu0;
      r.rps.push(served / (wallMs / 1000));
      r.cpu.push(cpu / served);
      r.util.push(cpu / (wallMs * 1000));
      r.bad += result.non2xx + result.errors + result.timeouts;
      if (target === on) answeredOn += result['2xx'];
    }
  }
  process.stderr.write(`  metrics round ${round + 1}/${rounds} done\n`);
}
// Requests cut at a window's end may be counted by the server and not by autocannon: at most one per connection per window.
const counted = counterSum(await scrape(), 'litellm_deployment_success_responses_total') - before;
const rss = Object.fromEntries(targets.map((target) => [target.name, rssKiB(target.child.pid).peak / 1024]));
await Promise.all([...targets.map((target) => stop(target.child)), stop(mock)]);
rmSync(dir, { recursive: true, force: true });

console.log(`\n### Metrics: the proxy with \`GET /metrics\` on against off, ${rounds} interleaved rounds, ${seconds} s per target per round, ${connections} connections`);
console.log(pinning ? '(proxies pinned to core 0, one loaded at a time; mock upstream + load generator on core 1)\n' : '(no pinning: taskset missing or 1 core)\n');
const rows = [];
for (const kind of ['json', 'sse']) {
  for (const target of targets) {
    const r = results.get(`${kind} ${target.name}`);
    rows.push([`${kind === 'json' ? 'JSON' : 'SSE, 20 chunks'}: ${target.name}`, fmt(median(r.rps), 0), `${fmt(median(r.cpu), 0)} (${fmt(median(r.util) * 100, 0)}%)`, fmt(rss[target.name], 0), String(r.bad)]);
  }
}
console.log(table(['target', 'req/s (c=50)', 'server CPU µs/req (core use)', 'peak RSS MiB', 'errors'], rows));
const ratioRows = [];
for (const kind of ['json', 'sse']) {
  const off = results.get(`${kind} metrics off`);
  const onR = results.get(`${kind} metrics on`);
  const ratio = median(onR.rps) / median(off.rps);
  const label = kind === 'json' ? 'JSON' : 'SSE';
  ratioRows.push([`${label}: throughput on ÷ off`, `${fmt(ratio * 100, 1)}%`, '≥ 95%', ratio >= 0.95 ? 'yes' : 'NO']);
  ratioRows.push([`${label}: CPU per request added by metrics`, `${fmt(median(onR.cpu) - median(off.cpu), 1)} µs (${fmt((median(onR.cpu) / median(off.cpu) - 1) * 100, 1)}%)`, '', '']);
}
console.log('');
console.log(table(['ratio (metrics on vs off)', 'value', 'target', 'met'], ratioRows));
console.log(
  `\nscrape: ${fmt(scrapes.bytes / 1024, 1)} KiB, median ${fmt(median(scrapes.ms), 2)} ms; successes counted by the metrics ${counted} for ${answeredOn} answers seen by the load generator (${counted - answeredOn >= 0 && counted - answeredOn <= 2 * rounds * connections ? 'consistent' : 'MISMATCH'})`,
);

const alone = await inProcess(quick ? 4 : 10, quick ? 5_000 : 20_000);
console.log(
  `\nin process (a Router with mock deployments, no HTTP): ${fmt(alone.off, 2)} CPU µs per call without metrics, ${fmt(alone.on, 2)} with (+${fmt(alone.on - alone.off, 2)} µs); ${alone.counted} successes counted for ${alone.calls} calls`,
);
