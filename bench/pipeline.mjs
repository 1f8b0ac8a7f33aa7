// Section 1: the Router's in-process cost.
//
//  a) Over a provider that answers at once with no I/O (`of(completion)`, `from(chunks)`), against
//     the bare `of` / `from` baseline: µs per call, µs per chunk (the slope between 20- and
//     200-chunk streams), and bytes allocated per call (`--alloc`, run in a child process with
//     --expose-gc and a young generation large enough that no GC runs inside a measured batch).
//  b) Through undici to the mock upstream (another process, another core), against a bare
//     `undici.request` with the same agent settings: wall µs per call one at a time, and CPU µs per
//     call of this process at 50 in flight. The difference is rxllm's in-process cost per call.
//
// Run: node bench/pipeline.mjs [--quick]   (after `npm run build`; never through tsx)
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { from, lastValueFrom, of } from 'rxjs';
import { Agent, request as undiciRequest } from 'undici';
import { Router } from '../dist/index.js';
import { completion, makeChunks, messages, request, routerConfig, streamRequest } from './lib/fixtures.mjs';
import { ask, coreFor, startNode, stop } from './lib/processes.mjs';
import { fmt, median, table } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
const allocMode = process.argv.includes('--alloc');
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const noop = () => {};

const chunks20 = makeChunks(20);
const chunks200 = makeChunks(200);
const provider = {
  call: (providerRequest) =>
    providerRequest.stream ? from(providerRequest.body.n === 200 ? chunks200 : chunks20) : of(completion),
};
const inProcessRouter = () => new Router(routerConfig('http://127.0.0.1:9/v1'), { provider, env: {} });
const stream200Request = { ...streamRequest, n: 200 };

function inProcessCases(router) {
  return {
    'of(completion) baseline': () => of(completion).subscribe(noop),
    'router non-streaming': () => router.completion$(request).subscribe(noop),
    'from(20 chunks) baseline': () => from(chunks20).subscribe(noop),
    'router streaming, 20 chunks': () => router.completion$(streamRequest).subscribe(noop),
    'from(200 chunks) baseline': () => from(chunks200).subscribe(noop),
    'router streaming, 200 chunks': () => router.completion$(stream200Request).subscribe(noop),
  };
}

const calls = { 'of(completion) baseline': 400_000, 'from(20 chunks) baseline': 200_000, 'from(200 chunks) baseline': 40_000 };

/** µs per call: for each case, `batches` timed batches interleaved round-robin with the other cases; the median. */
function timeCases(cases, batches, scale) {
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  const sizes = Object.fromEntries(
    Object.keys(cases).map((name) => [name, Math.max(1, Math.round((calls[name] ?? (name.includes('200') ? 5_000 : 40_000)) * scale))]),
  );
  for (const [name, fn] of Object.entries(cases)) for (let i = 0; i < sizes[name]; i++) fn(); // warm-up
  for (let batch = 0; batch < batches; batch++) {
    for (const [name, fn] of Object.entries(cases)) {
      const n = sizes[name];
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn();
      samples[name].push(Number(process.hrtime.bigint() - start) / 1e3 / n);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** Bytes allocated per call (child process mode): heap growth over a batch during which no GC ran. */
async function allocations() {
  const router = inProcessRouter();
  const cases = inProcessCases(router);
  const gcStarts = [];
  const observer = new PerformanceObserver((list) => gcStarts.push(...list.getEntries().map((entry) => entry.startTime)));
  observer.observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20)); // the observer reports asynchronously
  const result = {};
  for (const [name, fn] of Object.entries(cases)) {
    const n = name.includes('200') ? 200 : 2_000;
    for (let i = 0; i < n; i++) fn();
    const values = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      globalThis.gc();
      await settle();
      const t0 = performance.now();
      const used = v8.getHeapStatistics().used_heap_size;
      for (let i = 0; i < n; i++) fn();
      const grown = v8.getHeapStatistics().used_heap_size - used;
      const t1 = performance.now();
      await settle();
      if (!gcStarts.some((start) => start >= t0 && start <= t1)) values.push(grown / n);
    }
    result[name] = values.length > 0 ? median(values) : NaN;
  }
  observer.disconnect();
  await router.close();
  process.send?.(result);
}

/** Bare undici: what any Node client must do (send, read, parse JSON / split SSE and parse each event). */
async function bareCall(url, dispatcher, stream) {
  const body = JSON.stringify({ model: 'bench-a', messages, ...(stream ? { stream: true } : {}) });
  const response = await undiciRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: stream ? 'text/event-stream' : 'application/json', authorization: 'Bearer sk-bench' },
    body,
    dispatcher,
  });
  if (!stream) return JSON.parse(await response.body.text());
  const decoder = new TextDecoder();
  let buffered = '';
  let count = 0;
  for await (const bytes of response.body) {
    buffered += decoder.decode(bytes, { stream: true });
    let end;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event.startsWith('data: ') ? event.slice(6) : '';
      if (data !== '' && data !== '[DONE]') {
        JSON.parse(data);
        count += 1;
      }
    }
  }
  return count;
}

async function runConcurrent(fn, total, concurrency) {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started += 1;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function overUndici(scale) {
  const { child, message } = await startNode(here('./mock-upstream.mjs'), [], { core: coreFor('client') });
  const apiBase = `http://127.0.0.1:${message.port}/v1`;
  const url = `${apiBase}/chat/completions`;
  const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  const router = new Router(routerConfig(apiBase), { env: {} });
  const targets = {
    'bare undici.request': (stream) => bareCall(url, agent, stream),
    'router over undici': (stream) => lastValueFrom(router.completion$(stream ? streamRequest : request)),
  };
  const sequential = Math.round(2_000 * scale);
  const concurrent = Math.round(20_000 * scale);
  const rounds = quick ? 2 : 5;
  const out = {};
  for (const stream of [false, true]) {
    const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, { wall: [], cpu: [], rps: [] }]));
    for (const fn of Object.values(targets)) await runConcurrent(() => fn(stream), 2_000, 50); // warm-up
    for (let round = 0; round < rounds; round++) {
      const order = Object.entries(targets);
      if (round % 2 === 1) order.reverse();
      for (const [name, fn] of order) {
        let start = process.hrtime.bigint();
        for (let i = 0; i < sequential; i++) await fn(stream);
        samples[name].wall.push(Number(process.hrtime.bigint() - start) / 1e3 / sequential);
        const cpu = process.cpuUsage();
        start = process.hrtime.bigint();
        await runConcurrent(() => fn(stream), concurrent, 50);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const used = process.cpuUsage(cpu);
        samples[name].cpu.push((used.user + used.system) / concurrent);
        samples[name].rps.push(concurrent / seconds);
      }
    }
    for (const [name, { wall, cpu, rps }] of Object.entries(samples)) {
      out[`${name}, ${stream ? 'streaming (20 chunks)' : 'non-streaming'}`] = { wall: median(wall), cpu: median(cpu), rps: median(rps) };
    }
  }
  await router.close();
  await agent.close();
  await stop(child);
  return out;
}

async function main() {
  const scale = quick ? 0.2 : 1;
  const router = inProcessRouter();
  const times = timeCases(inProcessCases(router), quick ? 3 : 9, scale);
  await router.close();

  const { child, message: alloc } = await startNode(here('./pipeline.mjs'), ['--alloc'], {
    nodeArgs: ['--expose-gc', '--min-semi-space-size=128', '--max-semi-space-size=128'],
    core: coreFor('server'),
  });
  await stop(child);

  const rows = Object.entries(times).map(([name, us]) => {
    const chunks = name.includes('200') ? 200 : name.includes('20 ') ? 20 : 0;
    return [name, fmt(us, 3), chunks ? fmt(us / chunks, 3) : '—', fmt(alloc[name], 0)];
  });
  console.log('\n### 1a. In-process pipeline: provider answers at once, no I/O\n');
  console.log(table(['case', 'µs / call', 'µs / chunk (avg)', 'bytes allocated / call'], rows));

  const t = (name) => times[name];
  const nonStreamingAdded = t('router non-streaming') - t('of(completion) baseline');
  const perChunkRouter = (t('router streaming, 200 chunks') - t('router streaming, 20 chunks')) / 180;
  const perChunkBase = (t('from(200 chunks) baseline') - t('from(20 chunks) baseline')) / 180;
  const streamFixed = t('router streaming, 20 chunks') - 20 * perChunkRouter - (t('from(20 chunks) baseline') - 20 * perChunkBase);
  const allocPerChunk = (alloc['router streaming, 200 chunks'] - alloc['router streaming, 20 chunks']) / 180;
  console.log('');
  console.log(
    table(
      ['derived', 'value', 'target', 'met'],
      [
        ['non-streaming call, added over of()', `${fmt(nonStreamingAdded, 2)} µs`, '≤ 10 µs', nonStreamingAdded <= 10 ? 'yes' : 'NO'],
        ['per chunk, router (slope 20→200 chunks)', `${fmt(perChunkRouter, 3)} µs`, '', ''],
        ['per chunk, added over from() (slope)', `${fmt(perChunkRouter - perChunkBase, 3)} µs`, '≤ 0.5 µs', perChunkRouter - perChunkBase <= 0.5 ? 'yes' : 'NO'],
        ['streaming call fixed cost, added over from()', `${fmt(streamFixed, 2)} µs`, '', ''],
        ['bytes allocated per chunk (slope)', `${fmt(allocPerChunk, 0)} B`, '', ''],
      ],
    ),
  );

  const undici = await overUndici(scale);
  console.log('\n### 1b. Through undici to the mock upstream (separate process)\n');
  const undiciRows = Object.entries(undici).map(([name, r]) => [name, fmt(r.wall, 1), fmt(r.cpu, 1), fmt(r.rps, 0)]);
  console.log(table(['case', 'wall µs / call, 1 at a time', 'client CPU µs / call, 50 in flight', 'calls/s, 50 in flight'], undiciRows));
  const ratioRows = ['non-streaming', 'streaming (20 chunks)'].map((kind) => {
    const bare = undici[`bare undici.request, ${kind}`];
    const rx = undici[`router over undici, ${kind}`];
    return [
      kind,
      `${fmt(rx.wall / bare.wall, 2)}× (+${fmt(rx.wall - bare.wall, 1)} µs)`,
      `${fmt(rx.cpu / bare.cpu, 2)}× (+${fmt(rx.cpu - bare.cpu, 1)} µs)`,
      `${fmt(rx.rps / bare.rps, 2)}×`,
    ];
  });
  console.log('');
  console.log(table(['router ÷ bare undici', 'wall, 1 at a time', 'client CPU, 50 in flight', 'throughput, 50 in flight'], ratioRows));
}

if (allocMode) await allocations();
else await main();
