// How many requests' objects are really alive in a loaded proxy: rxllm's createProxyServer (log lines
// dropped) in this process under autocannon (a child process, 50 connections, JSON); after 3 s a heap
// snapshot (which runs a full GC first) counts the live ServerResponse, IncomingMessage and
// ChatExchange objects, beside the scavenges' mean pause so far. Few live objects alongside costly
// scavenges means finished requests are garbage that the young-generation GC still copies.
// node bench/live-requests.mjs   (after `npm run build`)
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Router } from '../dist/index.js';
import { createProxyServer } from '../dist/proxy/create-proxy-server.js';
import { messages, routerConfig } from './lib/fixtures.mjs';
import { startNode, stop } from './lib/processes.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const { child: mock, message } = await startNode(here('./mock-upstream.mjs'), [], {});
const router = new Router(routerConfig(`http://127.0.0.1:${message.port}/v1`), { env: {} });
const { server } = createProxyServer({ router, log: () => {} });
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

const scavenges = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges.push(entry.duration);
}).observe({ entryTypes: ['gc'] });

const body = JSON.stringify({ model: 'bench', messages });
const loading = new Promise((resolve) => {
  const child = fork(here('./lib/autocannon-child.mjs'), [String(server.address().port), body, '5']);
  child.once('message', resolve);
});
await new Promise((resolve) => setTimeout(resolve, 3_000));

const session = new Session();
session.connect();
let snapshot = '';
session.on('HeapProfiler.addHeapSnapshotChunk', (chunk) => (snapshot += chunk.params.chunk));
await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
const {
  snapshot: { meta },
  nodes,
  strings,
} = JSON.parse(snapshot);
const fieldCount = meta.node_fields.length;
const nameField = meta.node_fields.indexOf('name');
const counted = ['ServerResponse', 'IncomingMessage', 'ChatExchange'];
const counts = Object.fromEntries(counted.map((name) => [name, 0]));
for (let i = 0; i < nodes.length; i += fieldCount) {
  const name = strings[nodes[i + nameField]];
  if (Object.hasOwn(counts, name)) counts[name] += 1;
}
const meanPause = scavenges.reduce((sum, ms) => sum + ms, 0) / scavenges.length;
console.log(`after 3 s of load: ${scavenges.length} scavenges, mean pause ${meanPause.toFixed(2)} ms; live objects:`, counts);
await loading;
server.closeAllConnections();
await stop(mock);
process.exit(0);
