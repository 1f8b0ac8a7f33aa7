// Section `redis`: what sharing deployment state through Redis costs and buys (DESIGN §10).
//
//   1. propagation  two processes on one redis-server: the other process (bench/lib/redis-cooler.mjs)
//                   cools 100 deployments one by one; this one times (CLOCK_MONOTONIC, comparable
//                   across processes) until its store's state shows each cooling. p50 / p99 / max.
//   2. proxy cost   two rxllm CLI processes with bench/config.yaml, one with router_settings.redis_*
//                   added, alternating rounds of autocannon (50 connections, JSON): throughput ratio,
//                   CPU µs per request of each proxy, p50 under load and at 1 in flight.
//   3. Redis killed under load: autocannon on the Redis proxy while redis-server is SIGKILLed and
//                   later restarted; failed requests and the slowest response, against the in-memory
//                   proxy under the same load; and how long after the restart a store is re-synced.
//
// The proxies run on core 0; the mock upstream, redis-server and the load generator share core 1.
// Run: node bench/redis-store.mjs [--quick] [--rounds N] [--seconds S]   (after `npm run build`)
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { asyncScheduler, filter, firstValueFrom, timeout } from 'rxjs';
import { Agent, request as undiciRequest } from 'undici';
import { createRedisDeploymentStore } from '../dist/index.js';
import { createDeploymentReducer } from '../dist/deployments/reduce-deployment.js';
import { messages } from './lib/fixtures.mjs';
import { ask, coreFor, cpuMicros, startNode, stop } from './lib/processes.mjs';
import { startRedis } from './lib/redis-server.mjs';
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const print = (text = '') => console.log(text);

const body = JSON.stringify({ model: 'bench', messages });
const headers = { 'content-type': 'application/json' };

function cannon(url, duration, onTick) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    let bad = 0;
    const instance = autocannon({ url: `${url}/v1/chat/completions`, method: 'POST', headers, body, connections, duration }, (error, result) =>
      error ? reject(error) : resolve({ result, latencies, bad }),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) latencies.push(ms);
      else bad += 1;
    });
    onTick?.(instance);
  });
}

async function oneAtATime(url, duration, dispatcher) {
  const whole = [];
  const until = nowMs() + duration * 1000;
  while (nowMs() < until) {
    const start = nowMs();
    const { statusCode, body: answer } = await undiciRequest(`${url}/v1/chat/completions`, { method: 'POST', headers, body, dispatcher });
    await answer.dump();
    if (statusCode === 200) whole.push(nowMs() - start);
  }
  return whole;
}

function observerStore(url, keyPrefix, ids, logs) {
  const reducer = createDeploymentReducer({ sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined });
  let synced;
  const ready = new Promise((resolve) => (synced = resolve));
  const store = createRedisDeploymentStore(
    ids.map((id) => ({ id, group: 'g', reducer })),
    asyncScheduler,
    {
      url,
      keyPrefix,
      log: (level, message) => {
        logs.push({ level, message, at: nowMs() });
        if (level === 'info') synced();
      },
    },
  );
  return { store, ready };
}

async function propagation(redis) {
  const count = 100;
  const ids = Array.from({ length: count }, (_, i) => `d${i}`);
  const logs = [];
  const observer = observerStore(redis.url, 'bench-prop:', ids, logs);
  const { child: cooler } = await startNode(here('./lib/redis-cooler.mjs'), [redis.url, 'bench-prop:', String(count)], { core: coreFor('server') });
  await observer.ready;
  const delays = [];
  for (let i = 0; i < count; i += 1) {
    let seenAt;
    const seen = firstValueFrom(
      observer.store.state$(ids[i]).pipe(
        filter((state) => state.cooldownUntil !== undefined && state.cooldownUntil > Date.now()),
        timeout(5_000),
      ),
    ).then(() => (seenAt = nowMs()));
    const { at } = await ask(cooler, { cool: i });
    await seen;
    // What routing reads: the store's get, at that moment.
    if (!(observer.store.get(ids[i]).cooldownUntil > Date.now())) throw new Error(`get(${ids[i]}) does not show the cooldown state$ did`);
    delays.push(seenAt - at);
    await sleep(10);
  }
  cooler.send({ stop: true });
  await observer.store.close();
  await stop(cooler);
  const sorted = sortNumbers(delays);
  print('### Propagation: a cooldown set by one process, seen by another (100 cooldowns, one Redis)');
  print();
  print(table(['', 'p50 ms', 'p99 ms', 'max ms'], [['cooldown → other process\'s state', fmt(percentile(sorted, 50)), fmt(percentile(sorted, 99)), fmt(sorted[sorted.length - 1])]]));
  print();
}

async function proxies(redis, mockUrl) {
  const base = readFileSync(here('./config.yaml'), 'utf8');
  if (!base.includes('router_settings:\n')) throw new Error('bench/config.yaml has no router_settings section');
  const redisConfig = join(tmpdir(), `rxllm-bench-redis-${process.pid}.yaml`);
  writeFileSync(redisConfig, base.replace('router_settings:\n', `router_settings:\n  redis_host: 127.0.0.1\n  redis_port: ${redis.port}\n`));
  const start = async (config) => {
    const port = await freePort();
    const { child } = await startNode(here('../dist/cli/main.js'), ['--config', config, '--port', String(port), '--host', '127.0.0.1'], {
      core: coreFor('server'),
      env: { BENCH_UPSTREAM: `${mockUrl}/v1` },
      ready: false,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url);
    return { child, url };
  };
  const memory = { name: 'in-memory store', ...(await start(here('./config.yaml'))) };
  const shared = { name: 'redis store', ...(await start(redisConfig)) };
  return { memory, shared };
}

async function cost(targets) {
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  const results = new Map(targets.map((target) => [target, { rps: [], lat: [], cpu: [], one: [], bad: 0 }]));
  for (const target of targets) {
    await cannon(target.url, 1);
    await oneAtATime(target.url, 0.3, dispatcher);
  }
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      const r = results.get(target);
      const cpu0 = cpuMicros(target.child.pid);
      const t0 = nowMs();
      const { result, latencies, bad } = await cannon(target.url, seconds);
      const wallMs = nowMs() - t0;
      r.rps.push(result.requests.total / (wallMs / 1000));
      r.cpu.push((cpuMicros(target.child.pid) - cpu0) / result.requests.total);
      r.lat.push(...latencies);
      r.bad += bad + result.errors + result.timeouts;
      r.one.push(...(await oneAtATime(target.url, seconds * 0.4, dispatcher)));
    }
    process.stderr.write(`  redis round ${round + 1}/${rounds} done\n`);
  }
  await dispatcher.close();
  const [memory, shared] = targets.map((target) => results.get(target));
  const row = (target, r) => [
    target.name,
    fmt(median(r.rps), 0),
    fmt(median(r.cpu), 1),
    fmt(percentile(sortNumbers(r.lat), 50), 2),
    fmt(percentile(sortNumbers(r.lat), 99), 2),
    fmt(percentile(sortNumbers(r.one), 50), 3),
    String(r.bad),
  ];
  print(`### The proxy with the Redis store against the in-memory store (${rounds} alternating rounds × ${seconds} s, ${connections} connections, JSON)`);
  print();
  print(table(['', 'req/s (median)', 'CPU µs/req', 'p50 ms', 'p99 ms', 'p50 ms at 1 in flight', 'failed'], [row(targets[0], memory), row(targets[1], shared)]));
  print();
  print(
    `Redis/in-memory: throughput ${fmt((median(shared.rps) / median(memory.rps)) * 100, 1)}%, CPU per request ${fmt((median(shared.cpu) / median(memory.cpu)) * 100, 1)}%, ` +
      `added p50 ${fmt(percentile(sortNumbers(shared.lat), 50) - percentile(sortNumbers(memory.lat), 50), 2)} ms under load, ` +
      `${fmt(percentile(sortNumbers(shared.one), 50) - percentile(sortNumbers(memory.one), 50), 3)} ms at 1 in flight`,
  );
  print();
}

async function outage(redis, targets) {
  const duration = quick ? 4 : 8;
  const logs = [];
  const watcher = observerStore(redis.url, 'bench-outage:', ['w'], logs);
  await watcher.ready;
  const runs = [];
  for (const target of targets) {
    let killedAt;
    let restartedAt;
    const timers = [];
    const { result, latencies, bad } = await cannon(target.url, duration, () => {
      if (target.name !== 'redis store') return;
      timers.push(
        setTimeout(() => {
          killedAt = nowMs();
          void redis.stop('SIGKILL');
        }, duration * 250),
        setTimeout(() => {
          void redis.start().then(() => (restartedAt = nowMs()));
        }, duration * 600),
      );
    });
    timers.forEach(clearTimeout);
    runs.push({ target, result, latencies, bad, killedAt, restartedAt });
  }
  await sleep(1500);
  const back = logs.find((line) => line.message.startsWith('redis reachable again'));
  const resync = runs[1].restartedAt !== undefined && back !== undefined ? back.at - runs[1].restartedAt : NaN;
  await watcher.store.close();
  print(`### Redis killed under load (${duration} s of ${connections} connections; redis-server SIGKILLed at ${duration * 0.25} s, restarted at ${duration * 0.6} s)`);
  print();
  print(
    table(
      ['', 'requests', 'failed', 'p50 ms', 'p99 ms', 'max ms'],
      runs.map(({ target, result, latencies, bad }) => {
        const sorted = sortNumbers(latencies);
        return [
          target.name === 'redis store' ? 'redis store, Redis killed and restarted' : 'in-memory store',
          String(result.requests.total),
          String(bad + result.errors + result.timeouts),
          fmt(percentile(sorted, 50), 2),
          fmt(percentile(sorted, 99), 2),
          fmt(sorted[sorted.length - 1], 2),
        ];
      }),
    ),
  );
  print();
  print(`A store re-synced (re-read the keys, re-published its own state) ${fmt(resync, 0)} ms after redis-server was back up.`);
  print();
}

async function main() {
  print('## Redis store (DESIGN §10)');
  print();
  const redis = await startRedis({ core: coreFor('client') });
  await propagation(redis);
  const mockPort = await freePort();
  const { child: mock } = await startNode(here('./mock-upstream.mjs'), [String(mockPort)], { core: coreFor('client') });
  const { memory, shared } = await proxies(redis, `http://127.0.0.1:${mockPort}`);
  await cost([memory, shared]);
  await outage(redis, [memory, shared]);
  await Promise.all([stop(memory.child), stop(shared.child), stop(mock)]);
  await redis.stop();
}

await main();
