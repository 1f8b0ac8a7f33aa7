// What an open stream keeps alive in a process running the Router over HTTP: V8's sampling heap
// profiler (live objects only) while N streams are opened through the Router and its undici provider
// to the mock upstream's never-ending streams; prints the allocation sites still alive, in bytes per
// stream. The in-process counterpart (no sockets) is bench/stream-memory.mjs.
// node --expose-gc bench/stream-memory-http.mjs [N]   (after `npm run build`)
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { Router } from '../dist/index.js';
import { messages } from './lib/fixtures.mjs';
import { startNode, stop } from './lib/processes.mjs';
import { bytesByFunction, printTop } from './lib/sampled-allocations.mjs';

const n = Number(process.argv[2] ?? 2000);
// TICK_MS: the mock sends nothing after the first chunks while we sample.
const { child: mock, message } = await startNode(fileURLToPath(new URL('./mock-upstream.mjs', import.meta.url)), [], { env: { TICK_MS: '100000' } });
const apiBase = `http://127.0.0.1:${message.port}/v1`;
const deployment = (id) => ({ model_name: 'open', litellm_params: { model: `openai/${id}`, api_base: apiBase, api_key: 'sk-bench' }, model_info: { id } });
const router = new Router({ model_list: [deployment('open-a'), deployment('open-b')], timeout: 600, stream_timeout: 10, num_retries: 2 }, { env: {} });

const open = [];
/** Opens `count` streams and waits until each has its first chunk. */
async function openStreams(count) {
  const firsts = [];
  for (let i = 0; i < count; i++) {
    firsts.push(
      new Promise((resolve) => {
        open.push(router.completion$({ model: 'open', messages, stream: true }).subscribe({ next: () => resolve(), error: (error) => resolve(console.error(error)) }));
      }),
    );
  }
  await Promise.all(firsts);
}

await openStreams(200); // warm up: connections, code
for (const subscription of open.splice(0)) subscription.unsubscribe();
await new Promise((resolve) => setTimeout(resolve, 500));
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 64 });
for (let opened = 0; opened < n; opened += 250) await openStreams(Math.min(250, n - opened));
globalThis.gc?.();
const { profile } = await session.post('HeapProfiler.stopSampling');
const { self, total } = bytesByFunction(profile);
console.log(`live: ~${(total / n).toFixed(0)} bytes per open stream (sampled), sockets and undici included`);
printTop(self, n, 30);
for (const subscription of open) subscription.unsubscribe();
await router.close();
await stop(mock);
process.exit(0);
