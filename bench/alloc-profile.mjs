// Where a call's allocations come from: V8's sampling heap profiler (objects later collected
// included) over many in-process calls; prints the top allocating functions (self bytes per call).
// node bench/alloc-profile.mjs [json|stream]   (after `npm run build`)
import { Session } from 'node:inspector/promises';
import { from, of } from 'rxjs';
import { Router } from '../dist/index.js';
import { chunks, completion, request, routerConfig, streamRequest } from './lib/fixtures.mjs';
import { bytesByFunction, printTop } from './lib/sampled-allocations.mjs';

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
const { self, total } = bytesByFunction(profile);
console.log(`sampled ${(total / n).toFixed(0)} bytes per call (sampling: an estimate)`);
printTop(self, n, 40);
await router.close();
