// Section 2: what a proxy costs. Three targets, in one interleaved run:
//
//   direct       the mock upstream itself (what a client gets with no proxy at all)
//   pass-through node:http + undici with no logic (bench/passthrough-proxy.mjs): the floor for any Node proxy
//   rxllm        the rxllm CLI (dist/cli/main.js) with bench/config.yaml: 2 deployments, timeouts,
//                retries and fallbacks on, its per-request log line written to /dev/null
//
// Every server is its own process. With 2+ cores and `taskset`, the proxy under test runs alone on
// core 0, and the mock upstream and the load generator (this process) share core 1. Each round runs,
// for JSON and then SSE, every target in turn (the order rotates each round so that drift and
// warm-up hit all alike):
//   - autocannon, 50 connections, closed loop: throughput, p50 / p99 latency (whole response),
//     CPU µs per request of the proxy and of the mock (from /proc/<pid>/stat over the window);
//   - SSE only: an undici-based generator at 50 in flight for the time to first chunk (autocannon
//     only times whole responses): the first chunk is the first one with content (`tok0`);
//   - the undici-based generator at 1 in flight: unloaded latency (and time to first chunk).
// Peak RSS is each server's VmHWM at the end.
//
// Run: node bench/proxy.mjs [--quick] [--rounds N] [--seconds S] [--server-node-flags='...']   (after `npm run build`)
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Agent, request as undiciRequest } from 'undici';
import { messages } from './lib/fixtures.mjs';
import { coreFor, cpuMicros, pinning, rssKiB, startNode, stop } from './lib/processes.mjs';
import { fmt, median, nowMs, percentile, sortNumbers, table } from './lib/stats.mjs';
import { freePort, waitReady } from './lib/listening.mjs';
import { numberOption } from './lib/args.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name, fallback) => numberOption(args, name, fallback);
const rounds = option('--rounds', quick ? 2 : 5);
const seconds = option('--seconds', quick ? 1.5 : 3);
const connections = 50;
// Node flags for both proxies' processes, the floor's and rxllm's alike (default: none), e.g.
// --server-node-flags='--max-semi-space-size=32' to price a GC setting on both.
const flagsArg = args.find((arg) => arg.startsWith('--server-node-flags='));
const serverNodeFlags = (flagsArg === undefined ? '' : flagsArg.slice('--server-node-flags='.length)).split(' ').filter(Boolean);
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const bodies = {
  json: JSON.stringify({ model: 'bench', messages }),
  sse: JSON.stringify({ model: 'bench', messages, stream: true }),
};
const headers = { 'content-type': 'application/json' };

/** autocannon, closed loop: throughput and whole-response latencies (every one, for exact percentiles). */
function cannon(url, kind, duration) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let bad = 0;
    const instance = autocannon(
      { url: `${url}/v1/chat/completions`, method: 'POST', headers, body: bodies[kind], connections, duration },
      (error, result) => (error ? reject(error) : resolve({ result, latencies, bad })),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
      else bad += 1;
    });
  });
}

/** undici generator: `inFlight` requests at a time for `duration` s; per request the time to the first content chunk and to the end. */
async function generate(url, kind, inFlight, duration, dispatcher) {
  const first = [];
  const whole = [];
  let errors = 0;
  const until = nowMs() + duration * 1000;
  const one = async () => {
    const start = nowMs();
    const { statusCode, body } = await undiciRequest(`${url}/v1/chat/completions`, { method: 'POST', headers, body: bodies[kind], dispatcher });
    let firstAt;
    let seen = '';
    for await (const bytes of body) {
      if (firstAt === undefined) {
        seen += bytes.toString('latin1');
        if (kind === 'json' || seen.includes('tok0')) firstAt = nowMs();
      }
    }
    const end = nowMs();
    if (statusCode !== 200 || firstAt === undefined) {
      errors += 1;
      return;
    }
    first.push(firstAt - start);
    whole.push(end - start);
  };
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (nowMs() < until) await one().catch(() => (errors += 1));
    }),
  );
  return { first, whole, errors };
}

async function main() {
  const mockPort = await freePort();
  const { child: mock } = await startNode(here('./mock-upstream.mjs'), [String(mockPort)], { core: coreFor('client') });
  const upstream = `http://127.0.0.1:${mockPort}`;
  const { child: floor, message: floorReady } = await startNode(here('./passthrough-proxy.mjs'), [], {
    core: coreFor('server'),
    nodeArgs: serverNodeFlags,
    env: { UPSTREAM: upstream },
  });
  const rxPort = await freePort();
  const { child: rx } = await startNode(here('../dist/cli/main.js'), ['--config', here('./config.yaml'), '--port', String(rxPort), '--host', '127.0.0.1'], {
    core: coreFor('server'),
    nodeArgs: serverNodeFlags,
    env: { BENCH_UPSTREAM: `${upstream}/v1` },
    ready: false,
  });
  const targets = [
    { name: 'direct (mock)', url: upstream, pid: mock.pid },
    { name: 'pass-through proxy', url: `http://127.0.0.1:${floorReady.port}`, pid: floor.pid },
    { name: 'rxllm proxy', url: `http://127.0.0.1:${rxPort}`, pid: rx.pid },
  ];
  await waitReady(targets[2].url);

  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  const results = {};
  for (const kind of ['json', 'sse']) {
    for (const target of targets) {
      results[`${kind} ${target.name}`] = { rps: [], lat: [], bad: 0, cpu: [], mockCpu: [], util: [], ttfc50: [], whole1: [], ttfc1: [], genErrors: 0, loadCpu: [] };
      // Warm-up: JIT, connection pools, the router's deployment state.
      await cannon(target.url, kind, 1);
      await generate(target.url, kind, connections, 0.5, dispatcher);
    }
  }

  for (let round = 0; round < rounds; round++) {
    for (const kind of ['json', 'sse']) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const target of order) {
        const r = results[`${kind} ${target.name}`];
        const cpu0 = cpuMicros(target.pid);
        const mock0 = cpuMicros(mock.pid);
        const load0 = process.cpuUsage();
        const t0 = nowMs();
        const { result, latencies, bad } = await cannon(target.url, kind, seconds);
        const wallMs = nowMs() - t0;
        const served = result.requests.total;
        const cpu = cpuMicros(target.pid) - cpu0;
        const load = process.cpuUsage(load0);
        r.rps.push(served / (wallMs / 1000));
        r.lat.push(...latencies);
        r.bad += bad + result.errors + result.timeouts;
        r.cpu.push(cpu / served);
        r.util.push(cpu / (wallMs * 1000));
        if (target.pid !== mock.pid) r.mockCpu.push((cpuMicros(mock.pid) - mock0) / served);
        r.loadCpu.push((load.user + load.system) / served);
        if (kind === 'sse') {
          const loaded = await generate(target.url, kind, connections, seconds * 0.6, dispatcher);
          r.ttfc50.push(...loaded.first);
          r.genErrors += loaded.errors;
        }
        const single = await generate(target.url, kind, 1, seconds * 0.4, dispatcher);
        r.whole1.push(...single.whole);
        r.ttfc1.push(...single.first);
        r.genErrors += single.errors;
      }
    }
    process.stderr.write(`  proxy round ${round + 1}/${rounds} done\n`);
  }

  const rss = Object.fromEntries(targets.map((target) => [target.name, rssKiB(target.pid)]));
  await dispatcher.close();
  await Promise.all([stop(rx), stop(floor), stop(mock)]);

  const summary = {};
  const rows = [];
  for (const kind of ['json', 'sse']) {
    for (const target of targets) {
      const r = results[`${kind} ${target.name}`];
      const lat = sortNumbers(r.lat);
      const ttfc50 = sortNumbers(r.ttfc50);
      const whole1 = sortNumbers(r.whole1);
      const ttfc1 = sortNumbers(r.ttfc1);
      const s = {
        rps: median(r.rps),
        p50: percentile(lat, 50),
        p99: percentile(lat, 99),
        ttfc50: percentile(ttfc50, 50),
        ttfc50p99: percentile(ttfc50, 99),
        p50single: percentile(whole1, 50),
        ttfc1: percentile(ttfc1, 50),
        cpu: median(r.cpu),
        util: median(r.util),
        mockCpu: r.mockCpu.length ? median(r.mockCpu) : NaN,
        loadCpu: median(r.loadCpu),
        rss: rss[target.name].peak / 1024,
        errors: r.bad + r.genErrors,
      };
      summary[`${kind} ${target.name}`] = s;
      rows.push([
        `${kind === 'json' ? 'JSON' : 'SSE, 20 chunks'}: ${target.name}`,
        fmt(s.rps, 0),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
        kind === 'sse' ? `${fmt(s.ttfc50, 2)} / ${fmt(s.ttfc50p99, 2)}` : '—',
        fmt(s.p50single, 3),
        kind === 'sse' ? fmt(s.ttfc1, 3) : '—',
        `${fmt(s.cpu, 0)} (${fmt(s.util * 100, 0)}%)`,
        fmt(s.mockCpu, 0),
        fmt(s.rss, 0),
        String(s.errors),
      ]);
    }
  }
  console.log(`\n### 2. Proxy overhead: ${rounds} interleaved rounds, ${seconds} s per target per round, ${connections} connections; both proxies run under \`node ${serverNodeFlags.join(' ') || '(no flags)'}\``);
  console.log(
    pinning
      ? '(proxy under test pinned alone to core 0; mock upstream + load generator share core 1)\n'
      : '(no pinning: taskset missing or 1 core)\n',
  );
  console.log(
    table(
      [
        'target',
        'req/s (c=50)',
        'p50 ms (c=50)',
        'p99 ms (c=50)',
        'TTFC p50 / p99 ms (c=50)',
        'p50 ms (c=1)',
        'TTFC p50 ms (c=1)',
        'server CPU µs/req (core use)',
        'mock CPU µs/req',
        'peak RSS MiB',
        'errors',
      ],
      rows,
    ),
  );

  const ratioRows = [];
  for (const kind of ['json', 'sse']) {
    const f = summary[`${kind} pass-through proxy`];
    const x = summary[`${kind} rxllm proxy`];
    const label = kind === 'json' ? 'JSON' : 'SSE';
    const throughput = x.rps / f.rps;
    ratioRows.push([`${label}: throughput rxllm ÷ floor`, `${fmt(throughput * 100, 1)}%`, '≥ 80%', throughput >= 0.8 ? 'yes' : 'NO']);
    const cpuRatio = f.cpu / x.cpu;
    ratioRows.push([`${label}: CPU per request floor ÷ rxllm (capacity on a saturated core)`, `${fmt(cpuRatio * 100, 1)}% (+${fmt(x.cpu - f.cpu, 0)} µs)`, '(≥ 80%)', cpuRatio >= 0.8 ? 'yes' : 'NO']);
    const added1 = x.p50single - f.p50single;
    ratioRows.push([`${label}: added p50 latency, c=1`, `${fmt(added1 * 1000, 0)} µs`, '≤ 500 µs', added1 <= 0.5 ? 'yes' : 'NO']);
    const added50 = x.p50 - f.p50;
    ratioRows.push([`${label}: added p50 latency, c=50 (includes queueing)`, `${fmt(added50 * 1000, 0)} µs`, '≤ 500 µs', added50 <= 0.5 ? 'yes' : 'NO']);
    if (kind === 'sse') {
      const ttfc1 = x.ttfc1 - f.ttfc1;
      ratioRows.push([`${label}: added TTFC p50, c=1`, `${fmt(ttfc1 * 1000, 0)} µs`, '≤ 1000 µs', ttfc1 <= 1 ? 'yes' : 'NO']);
      const ttfc50 = x.ttfc50 - f.ttfc50;
      ratioRows.push([`${label}: added TTFC p50, c=50 (includes queueing)`, `${fmt(ttfc50 * 1000, 0)} µs`, '≤ 1000 µs', ttfc50 <= 1 ? 'yes' : 'NO']);
    }
  }
  console.log('');
  console.log(table(['ratio (rxllm vs pass-through floor)', 'value', 'target', 'met'], ratioRows));
  const loadRows = ['json', 'sse'].flatMap((kind) =>
    targets.map((target) => [`${kind} ${target.name}`, fmt(summary[`${kind} ${target.name}`].loadCpu, 0)]),
  );
  console.log('');
  console.log(table(['load generator CPU µs/req (core 1, with the mock)', 'µs'], loadRows));
}

await main();
