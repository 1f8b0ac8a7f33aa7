// What an open stream keeps alive: V8's sampling heap profiler (live objects only) while N streams
// are opened through the Router over an in-process provider that never ends them; prints the
// allocation sites of what is still alive, in bytes per stream.
// node bench/stream-memory.mjs [N]   (after `npm run build`)
import { Session } from 'node:inspector/promises';
import { Observable } from 'rxjs';
import { Router } from '../dist/index.js';
import { firstContentChunk, messages, roleChunk } from './lib/fixtures.mjs';
import { bytesByFunction, printTop } from './lib/sampled-allocations.mjs';

const n = Number(process.argv[2] ?? 2000);
const provider = {
  call: () =>
    new Observable((subscriber) => {
      subscriber.next(roleChunk);
      subscriber.next(firstContentChunk);
    }),
};
const router = new Router(
  { model_list: [{ model_name: 'open', litellm_params: { model: 'openai/open' } }, { model_name: 'open', litellm_params: { model: 'openai/open-b' } }], timeout: 600, stream_timeout: 10, num_retries: 2 },
  { provider, env: {} },
);
const noop = () => {};
for (let i = 0; i < 200; i++) router.completion$({ model: 'open', messages, stream: true }).subscribe(noop).unsubscribe();
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 64 });
const open = [];
for (let i = 0; i < n; i++) open.push(router.completion$({ model: 'open', messages, stream: true }).subscribe(noop));
globalThis.gc?.();
const { profile } = await session.post('HeapProfiler.stopSampling');
const { self, total } = bytesByFunction(profile);
console.log(`live: ~${(total / n).toFixed(0)} bytes per open stream (sampled)`);
printTop(self, n, 30);
for (const subscription of open) subscription.unsubscribe();
await router.close();
