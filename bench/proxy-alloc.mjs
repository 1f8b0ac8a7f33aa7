// Where a proxied request's allocations come from: V8's sampling heap profiler (objects later
// collected included) inside the server process while autocannon (a child process, 50 connections)
// loads it; prints the top allocating functions in bytes per request. The server is rxllm's
// createProxyServer (log lines dropped) or, with `floor`, the pass-through proxy, both in this process.
// node bench/proxy-alloc.mjs [proxy|floor] [sse]   (after `npm run build`)
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { Router } from '../dist/index.js';
import { createProxyServer } from '../dist/proxy/create-proxy-server.js';
import { messages, routerConfig } from './lib/fixtures.mjs';
import { startNode, stop } from './lib/processes.mjs';
import { bytesByFunction, printTop } from './lib/sampled-allocations.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const variant = process.argv[2] ?? 'proxy';
const stream = process.argv.includes('sse');
const { child: mock, message } = await startNode(here('./mock-upstream.mjs'), [], {});
const upstream = `http://127.0.0.1:${message.port}`;

let port;
let closeServer = () => {};
if (variant === 'floor') {
  // passthrough-proxy.mjs listens on argv[2] when not forked; run it here so that it can be sampled.
  process.env.UPSTREAM = upstream;
  port = 40_000 + Math.floor(Math.random() * 10_000);
  process.argv[2] = String(port);
  await import('./passthrough-proxy.mjs');
} else {
  const router = new Router(routerConfig(`${upstream}/v1`), { env: {} });
  const { server } = createProxyServer({ router, log: () => {} });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
  closeServer = () => server.closeAllConnections();
}

const body = JSON.stringify({ model: 'bench', messages, stream });
const load = (seconds) =>
  new Promise((resolve) => {
    const child = fork(here('./lib/autocannon-child.mjs'), [String(port), body, String(seconds)]);
    child.once('message', resolve);
  });

await load(2); // warm up
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const requests = await load(4);
const { profile } = await session.post('HeapProfiler.stopSampling');
const { self, total } = bytesByFunction(profile);
console.log(`${variant}${stream ? ' sse' : ''}: ${requests} requests; sampled ${(total / requests).toFixed(0)} bytes allocated per request (an estimate)`);
printTop(self, requests, 30);
closeServer();
await stop(mock);
process.exit(0);
