// Where a call's allocations come from: V8's sampling heap profiler (objects later collected
// included) over many in-process calls; prints the top allocating functions (self bytes per call).
// node bench/alloc-profile.mjs [json|stream]   (after `npm run build`)
import { Session } from 'node:inspector/promises';
import { from, of } from 'rxjs';
import { Router } from '../dist/index.js';
import { chunks, completion, request, routerConfig, streamRequest } from './lib/fixtures.mjs';

const stream = process.argv[2] === 'stream';
const provider = { call: (r) => (r.stream ? from(chunks) : of(completion)) };
const router = new Router(routerConfig('http://127.0.0.1:9/v1'), { provider, env: {} });
const noop = () => {};
const n = 100_000;
for (let i = 0; i < 20_000; i++) router.completion$(stream ? streamRequest : request).subscribe(noop);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (let i = 0; i < n; i++) router.completion$(stream ? streamRequest : request).subscribe(noop);
const { profile } = await session.post('HeapProfiler.stopSampling');
const self = new Map();
let total = 0;
const walk = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`;
  const bytes = node.selfSize;
  total += bytes;
  self.set(key, (self.get(key) ?? 0) + bytes);
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(`sampled ${(total / n).toFixed(0)} bytes per call (sampling: an estimate)`);
for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(bytes / n).toFixed(0).padStart(6)} B  ${key}`);
await router.close();
