// Section 5: `--num_workers`. The rxllm CLI (dist/cli/main.js, bench/config.yaml) with one worker
// (a single process, no cluster) against two workers (node:cluster: a primary handing connections
// round-robin to 2 workers), in one interleaved run.
//
// Nothing is pinned: two workers need both cores, so the proxy, the mock upstream and the load
// generator (autocannon, in this process) all share the machine's cores as the OS schedules them.
// On a 2-core machine the ceiling is therefore well under 2×: the load generator and the mock take a
// good share of the second core. The figures say how much a second worker buys on *this* machine;
// on a machine with cores to spare for the proxy, or with the clients elsewhere, it is more.
// Each round runs, for JSON and then SSE, both targets in turn (the order alternates each round):
// autocannon, 50 connections, closed loop: req/s, p50 / p99, and the CPU per request of the proxy's
// processes (primary + workers) and of the mock, from /proc/<pid>/stat over the window.
//
// Run: node bench/workers.mjs [--quick] [--rounds N] [--seconds S]   (after `npm run build`)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { messages } from './lib/fixtures.mjs';
import { cpuMicros, startNode, stop } from './lib/processes.mjs';
import { fmt, median, nowMs, percentile, sortNumbers, table } from './lib/stats.mjs';
import { freePort, waitReady } from './lib/listening.mjs';
import { numberOption } from './lib/args.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name, fallback) => numberOption(args, name, fallback);
const rounds = option('--rounds', quick ? 2 : 5);
const seconds = option('--seconds', quick ? 1.5 : 3);
const connections = 50;
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** The processes serving a target: the process itself and, for a cluster primary, its workers (from /proc). */
function processTree(pid) {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [pid, ...children];
}

const bodies = {
  json: JSON.stringify({ model: 'bench', messages }),
  sse: JSON.stringify({ model: 'bench', messages, stream: true }),
};

function cannon(url, kind, duration) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let bad = 0;
    const instance = autocannon(
      { url: `${url}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[kind], connections, duration },
      (error, result) => (error ? reject(error) : resolve({ result, latencies, bad })),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
      else bad += 1;
    });
  });
}

async function main() {
  const mockPort = await freePort();
  const { child: mock } = await startNode(here('./mock-upstream.mjs'), [String(mockPort)]);
  const env = { BENCH_UPSTREAM: `http://127.0.0.1:${mockPort}/v1` };
  const targets = [];
  for (const workers of [1, 2]) {
    const port = await freePort();
    const { child } = await startNode(
      here('../dist/cli/main.js'),
      ['--config', here('./config.yaml'), '--port', String(port), '--host', '127.0.0.1', '--num_workers', String(workers)],
      { env, ready: false },
    );
    targets.push({ name: `--num_workers ${workers}`, workers, url: `http://127.0.0.1:${port}`, child });
  }
  for (const target of targets) {
    await waitReady(target.url);
    target.pids = processTree(target.child.pid);
    if (target.pids.length !== (target.workers === 1 ? 1 : target.workers + 1)) throw new Error(`${target.name}: processes ${target.pids}`);
  }
  const cpuOf = (pids) => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);

  const results = {};
  for (const kind of ['json', 'sse']) {
    for (const target of targets) {
      results[`${kind} ${target.name}`] = { rps: [], lat: [], bad: 0, cpu: [], util: [], mockCpu: [] };
      // Warm-up: JIT, connection pools. Two workers warm up separately, each on half the calls: a
      // short warm-up would price the second worker's JIT against the first's steady state.
      await cannon(target.url, kind, quick ? 1 : 3);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const kind of ['json', 'sse']) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        const r = results[`${kind} ${target.name}`];
        const cpu0 = cpuOf(target.pids);
        const mock0 = cpuMicros(mock.pid);
        const t0 = nowMs();
        const { result, latencies, bad } = await cannon(target.url, kind, seconds);
        const wallMs = nowMs() - t0;
        const served = result.requests.total;
        const cpu = cpuOf(target.pids) - cpu0;
        r.rps.push(served / (wallMs / 1000));
        r.lat.push(...latencies);
        r.bad += bad + result.errors + result.timeouts;
        r.cpu.push(cpu / served);
        r.util.push(cpu / (wallMs * 1000));
        r.mockCpu.push((cpuMicros(mock.pid) - mock0) / served);
      }
    }
    process.stderr.write(`  workers round ${round + 1}/${rounds} done\n`);
  }
  await Promise.all([...targets.map((target) => stop(target.child)), stop(mock)]);

  const rows = [];
  const summary = {};
  for (const kind of ['json', 'sse']) {
    for (const target of targets) {
      const r = results[`${kind} ${target.name}`];
      const lat = sortNumbers(r.lat);
      const s = { rps: median(r.rps), p50: percentile(lat, 50), p99: percentile(lat, 99), cpu: median(r.cpu), util: median(r.util), mockCpu: median(r.mockCpu) };
      summary[`${kind} ${target.name}`] = s;
      rows.push([
        `${kind === 'json' ? 'JSON' : 'SSE, 20 chunks'}: ${target.name}`,
        fmt(s.rps, 0),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
        `${fmt(s.cpu, 0)} (${fmt(s.util * 100, 0)}%)`,
        fmt(s.mockCpu, 0),
        String(r.bad),
      ]);
    }
  }
  console.log(`\n### 5. --num_workers: ${rounds} interleaved rounds, ${seconds} s per target per round, ${connections} connections`);
  console.log('(nothing pinned: the proxy\'s processes, the mock upstream and the load generator share every core)\n');
  console.log(
    table(['target', 'req/s (c=50)', 'p50 ms', 'p99 ms', 'proxy CPU µs/req, all its processes (cores used)', 'mock CPU µs/req', 'errors'], rows),
  );
  const ratioRows = ['json', 'sse'].map((kind) => {
    const one = summary[`${kind} --num_workers 1`];
    const two = summary[`${kind} --num_workers 2`];
    return [kind === 'json' ? 'JSON' : 'SSE', `${fmt(two.rps / one.rps, 2)}×`, `${fmt(two.cpu - one.cpu, 0)} µs`];
  });
  console.log('');
  console.log(table(['throughput --num_workers 2 ÷ 1', 'ratio', 'CPU per request, 2 − 1 (the primary\'s handoff, two heaps)'], ratioRows));
}

await main();
