// Young-generation GC during one case of §3 (bench/scale.mjs), from V8's own trace (--trace-gc-nvp):
// the scavenges while the streams flow alone (the 3 s of event-loop measurement) and while the timer
// probes run on top of them: how many, their pauses, and the bytes that survived a scavenge or were
// promoted, per scavenge. For the why behind §3's timer figures, and a before/after of a change.
//
// node bench/scale-gc.mjs [in-process|http|bare-http] [N] [node flags...]   (after `npm run build`)
import { fileURLToPath } from 'node:url';
import { coreFor, startNode, stop } from './lib/processes.mjs';

const [mode = 'http', n = '10000', ...nodeFlags] = process.argv.slice(2);
const script = fileURLToPath(new URL('./scale.mjs', import.meta.url));
const { child } = await startNode(script, ['--case', mode, n], {
  core: coreFor('server'),
  nodeArgs: ['--expose-gc', '--trace-gc-nvp', ...nodeFlags],
  env: { SCALE_MARKS: '1' },
  stdout: 'pipe',
  ready: false,
});
let trace = '';
child.stdout.on('data', (bytes) => (trace += bytes));
const [result] = await new Promise((resolve) => child.once('message', (message) => resolve([message])));
await new Promise((resolve) => setTimeout(resolve, 200));
await stop(child);

const field = (line, key) => Number(new RegExp(`\\b${key}=([0-9.]+)`).exec(line)?.[1] ?? 0);
const phases = { streams: [], probes: [] };
let phase;
for (const line of trace.split('\n')) {
  const marked = /^# phase (\w+)/.exec(line);
  if (marked) phase = marked[1];
  else if (/\bgc=s\b/.test(line) && phase in phases) phases[phase].push(line);
}
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
console.log(`${mode} ${n}${nodeFlags.length ? ` ${nodeFlags.join(' ')}` : ''}: 50 ms timeout late by p50 ${result.lateP50.toFixed(2)} / p99 ${result.lateP99.toFixed(2)} ms`);
for (const [name, lines] of Object.entries(phases)) {
  if (lines.length === 0) continue;
  const mean = (key) => lines.reduce((sum, line) => sum + field(line, key), 0) / lines.length;
  const maxPause = Math.max(...lines.map((line) => field(line, 'pause')));
  console.log(
    `  ${name === 'streams' ? 'streams alone ' : 'with probes   '}: ${lines.length} scavenges, pause mean ${mean('pause').toFixed(1)} / max ${maxPause.toFixed(1)} ms;`,
    `per scavenge: allocated ${kib(mean('allocated'))}, survived ${kib(mean('new_space_survived'))}, promoted ${kib(mean('promoted'))}`,
  );
}
