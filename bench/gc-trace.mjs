// What the young-generation GC costs a proxy per request, from V8's own trace (--trace-gc-nvp) of
// one server process under autocannon (50 connections, JSON), 2 s of warm-up then 8 s measured:
// server CPU µs per request, scavenges and their mean pause, pause µs per request, bytes allocated,
// bytes that survived a scavenge and bytes promoted to the old generation, per request.
//
// node bench/gc-trace.mjs [floor|cli|VARIANT] [node flags...]   (after `npm run build`)
//   floor    the pass-through proxy          cli   the rxllm CLI with bench/config.yaml (log lines to a pipe)
//   VARIANT  a bench/variant-server.mjs layer (provider, router, proxy, proxy-log-batched)
// e.g. node bench/gc-trace.mjs cli --max-semi-space-size=32
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { request } from './lib/fixtures.mjs';
import { coreFor, cpuMicros, startNode, stop } from './lib/processes.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const [target = 'cli', ...nodeFlags] = process.argv.slice(2);
const nodeArgs = ['--trace-gc-nvp', ...nodeFlags];
const { child: mock, message } = await startNode(here('./mock-upstream.mjs'), [], { core: coreFor('client') });
const upstream = `http://127.0.0.1:${message.port}`;

let server;
let url;
if (target === 'cli') {
  const port = 40_000 + Math.floor(Math.random() * 10_000);
  const args = ['--config', here('./config.yaml'), '--port', String(port)];
  server = (await startNode(here('../dist/cli/main.js'), args, { core: coreFor('server'), nodeArgs, env: { BENCH_UPSTREAM: `${upstream}/v1` }, ready: false, stdout: 'pipe' })).child;
  url = `http://127.0.0.1:${port}/v1/chat/completions`;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
} else {
  const script = target === 'floor' ? here('./passthrough-proxy.mjs') : here('./variant-server.mjs');
  const started = await startNode(script, target === 'floor' ? [] : [target], { core: coreFor('server'), nodeArgs, env: { UPSTREAM: upstream }, stdout: 'pipe' });
  server = started.child;
  url = `http://127.0.0.1:${started.message.port}/v1/chat/completions`;
}
let trace = '';
server.stdout.on('data', (bytes) => (trace += bytes));

const body = JSON.stringify({ model: 'bench', messages: request.messages });
const load = (duration) => autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 50, duration });
await load(2);
trace = '';
const cpuBefore = cpuMicros(server.pid);
const result = await load(8);
const requests = result.requests.total;
const cpuPerRequest = (cpuMicros(server.pid) - cpuBefore) / requests;
await stop(server);
await stop(mock);

const field = (line, key) => Number(new RegExp(`\\b${key}=([0-9.]+)`).exec(line)?.[1] ?? 0);
const lines = trace.split('\n').filter((line) => line.includes('gc='));
const scavenges = lines.filter((line) => /\bgc=s\b/.test(line));
const others = lines.filter((line) => !/\bgc=s\b/.test(line));
const sum = (list, key) => list.reduce((total, line) => total + field(line, key), 0);
const perRequest = (value, digits = 0) => (value / requests).toFixed(digits);
console.log(
  `${target}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}: ${requests} requests, CPU ${cpuPerRequest.toFixed(0)} µs/req;`,
  `${scavenges.length} scavenges, mean pause ${(sum(scavenges, 'pause') / scavenges.length).toFixed(2)} ms, ${perRequest(sum(scavenges, 'pause') * 1000, 1)} µs/req;`,
  `other GCs ${others.length} (${perRequest(sum(others, 'pause') * 1000, 1)} µs/req);`,
  `per request: allocated ${perRequest(sum(scavenges, 'allocated'))} B, survived a scavenge ${perRequest(sum(scavenges, 'new_space_survived'))} B, promoted ${perRequest(sum(scavenges, 'promoted'))} B`,
);
