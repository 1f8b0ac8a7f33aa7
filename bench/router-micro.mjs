// Quick before/after check of the in-process Router cost: router.completion$ over a provider that
// answers at once (of / from 20 chunks), 12 batches of 30k calls; best and median µs per call.
// node bench/router-micro.mjs   (after `npm run build`; pin it: taskset -c 0)
import { from, of } from 'rxjs';
import { Router } from '../dist/index.js';
import { chunks, completion, request, routerConfig, streamRequest } from './lib/fixtures.mjs';
const provider = { call: (r) => (r.stream ? from(chunks) : of(completion)) };
const router = new Router(routerConfig('http://127.0.0.1:9/v1'), { provider, env: {} });
const noop = () => {};
for (const [name, req] of [['json', request], ['stream20', streamRequest]]) {
  let best = Infinity; const all = [];
  for (let r = 0; r < 12; r++) { const n = 30000; const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) router.completion$(req).subscribe(noop); const us = Number(process.hrtime.bigint() - t) / 1e3 / n; all.push(us); best = Math.min(best, us); }
  all.sort((a, b) => a - b);
  console.log(name, 'best', best.toFixed(2), 'median', all[6].toFixed(2), 'µs/call');
}
await router.close();
