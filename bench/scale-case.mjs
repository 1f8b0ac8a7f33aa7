// One case of §3 (bench/scale.mjs) in its own pinned process, printed on one line: for a quick
// before/after of a change's memory per open stream without the whole section.
// node bench/scale-case.mjs [in-process|http|bare-http] [N]   (after `npm run build`)
//   (a ROOT=/other/checkout env runs that checkout's bench/scale.mjs and dist/ instead)
import { fileURLToPath } from 'node:url';
import { coreFor, startNode, stop } from './lib/processes.mjs';

const [mode = 'http', n = '10000'] = process.argv.slice(2);
const script = process.env.ROOT === undefined ? fileURLToPath(new URL('./scale.mjs', import.meta.url)) : `${process.env.ROOT}/bench/scale.mjs`;
const { child, message: r } = await startNode(script, ['--case', mode, n], { core: coreFor('server'), nodeArgs: ['--expose-gc'] });
await stop(child);
console.log(
  `${mode} ${n}: RSS growth ${(r.rssPerStream / 1024).toFixed(1)} KiB/stream, heap ${(r.heapPerStream / 1024).toFixed(1)} KiB/stream,`,
  `event-loop delay p99 ${r.delayP99.toFixed(2)} ms, 50 ms timeout late by p50 ${r.lateP50.toFixed(2)} / p99 ${r.lateP99.toFixed(2)} ms`,
  `(first timeouts, cold: p50 ${r.coldLateP50.toFixed(2)} / max ${r.coldLateMax.toFixed(1)} ms)`,
);
