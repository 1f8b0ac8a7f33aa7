// What an open stream keeps alive: V8's sampling heap profiler (live objects only) while N streams
// are opened through the Router over an in-process provider that never ends them; prints the
// allocation sites of what is still alive, in bytes per stream.
// node bench/stream-memory.mjs [N]   (after `npm run build`)
import { Session } from 'node:inspector/promises';
import { Observable } from 'rxjs';
import { Router } from '../dist/index.js';
import { firstContentChunk, messages, roleChunk } from './lib/fixtures.mjs';

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
const self = new Map();
let total = 0;
const walk = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
  total += node.selfSize;
  self.set(key, (self.get(key) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(`live: ~${(total / n).toFixed(0)} bytes per open stream (sampled)`);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${(bytes / n).toFixed(0).padStart(6)} B  ${key}`);
for (const subscription of open) subscription.unsubscribe();
await router.close();
