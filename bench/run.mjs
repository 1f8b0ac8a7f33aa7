// `npm run bench`: builds dist/ (npm script), then runs each section in its own process, pinned as
// the sections describe, with plain `node` on the compiled JavaScript (never tsx: its keepNames
// wrappers make closure-heavy RxJS code look 30–50% slower). Prints every table and writes them,
// with the machine's description, to bench/results/latest.md.
//
//   npm run bench                     all sections
//   npm run bench -- --quick          shorter runs (a smoke test of the harness, not figures to quote)
//   npm run bench -- pipeline proxy   only these sections (pipeline, proxy, scale, adapters, metrics, hedging, workers, redis)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { coreFor, pinning } from './lib/processes.mjs';

const args = process.argv.slice(2);
const flags = args.filter((arg) => arg.startsWith('--'));
const chosen = args.filter((arg) => !arg.startsWith('--'));
const sections = [
  { name: 'pipeline', script: 'pipeline.mjs', core: coreFor('server') },
  // The load generator runs in the section's own process: it shares core 1 with the mock upstream.
  { name: 'proxy', script: 'proxy.mjs', core: coreFor('client') },
  { name: 'scale', script: 'scale.mjs', core: coreFor('server'), nodeArgs: ['--expose-gc'] },
  // The provider adapters' own CPU (request, answer, stream translation) and the Router per kind of call.
  { name: 'adapters', script: 'adapters.mjs', core: coreFor('server') },
  // GET /metrics on against off (DESIGN §11); like `proxy`, the load generator runs in the section's process.
  { name: 'metrics', script: 'metrics.mjs', core: coreFor('client') },
  // Hedging against a heavy tail (DESIGN §12): the Router here, its fake upstream on the other core.
  { name: 'hedging', script: 'hedging.mjs', core: coreFor('server') },
  // --num_workers 1 against 2: unpinned, since two workers need both cores.
  { name: 'workers', script: 'workers.mjs' },
  // Sharing deployment state through Redis: propagation, the proxy's cost against the in-memory
  // store, and Redis killed under load. Starts its own processes and redis-server, pinned inside.
  { name: 'redis', script: 'redis-store.mjs' },
].filter((section) => chosen.length === 0 || chosen.includes(section.name));

function cpuModel() {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim();
  return `${field('model name') ?? cpus()[0]?.model} (${cpus().length} cores, ${field('cpu MHz') ?? '?'} MHz, cache ${field('cache size') ?? '?'})`;
}

/** Share of CPU time the whole machine was busy over `ms` (to warn when something else is running). */
async function machineBusy(ms) {
  const read = () => readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const a = read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = read();
  const delta = b.map((value, i) => value - a[i]);
  const total = delta.reduce((sum, value) => sum + value, 0);
  return 1 - (delta[3] + delta[4]) / total; // idle + iowait
}

function run(section) {
  const script = fileURLToPath(new URL(section.script, import.meta.url));
  const argv = [...(section.nodeArgs ?? []), script, ...flags];
  const [command, commandArgs] =
    section.core === undefined ? [process.execPath, argv] : ['taskset', ['-c', String(section.core), process.execPath, ...argv]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (bytes) => {
      out += bytes;
      process.stdout.write(bytes);
    });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${section.name} exited with ${code}`))));
  });
}

const busy = await machineBusy(1_000);
const header = [
  `# rxllm benchmark, ${new Date().toISOString()}`,
  '',
  `- machine: ${cpuModel()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${process.platform} ${process.arch}`,
  `- node ${process.version}; pinning with taskset: ${pinning ? 'yes' : 'no'}`,
  `- machine busy before the run (other processes): ${(busy * 100).toFixed(0)}%${busy > 0.1 ? ' (WARNING: something else is running; figures will be noisy)' : ''}`,
  `- flags: ${flags.join(' ') || '(none)'}`,
].join('\n');
console.log(header);
let report = `${header}\n`;
for (const section of sections) report += await run(section);
mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
writeFileSync(fileURLToPath(new URL('./results/latest.md', import.meta.url)), report);
console.log('\n(written to bench/results/latest.md)');
