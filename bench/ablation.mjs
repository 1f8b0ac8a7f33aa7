// Prices each layer of the rxllm proxy in CPU µs per request (see bench/variant-server.mjs), against
// the pass-through floor, with autocannon (50 connections), rounds interleaved. Not part of
// `npm run bench`: a tool for finding where the proxy's cost goes.
//
// node bench/ablation.mjs [json|sse] [--rounds N] [--seconds S] [--variants provider,router,proxy,proxy-log]    (after `npm run build`)
//
// A variant written DIR:VARIANT runs DIR/bench/variant-server.mjs instead: another checkout with its
// own dist/ (e.g. `git worktree add /tmp/old <commit>`, link node_modules, build), so that a change is
// priced before and after in one interleaved run: --variants /tmp/old:proxy-log-batched,proxy-log-batched
// A variant written VARIANT+--flag runs under `node --flag`; `floor` is the pass-through proxy again,
// so that a Node flag is priced on both: --variants proxy-log-batched,floor+--max-semi-space-size=32,proxy-log-batched+--max-semi-space-size=32
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { messages } from './lib/fixtures.mjs';
import { coreFor, cpuMicros, startNode, stop } from './lib/processes.mjs';
import { fmt, median, table } from './lib/stats.mjs';
import { numberOption } from './lib/args.mjs';

const args = process.argv.slice(2);
const kind = args.includes('sse') ? 'sse' : 'json';
const option = (name, fallback) => numberOption(args, name, fallback);
const rounds = option('--rounds', 3);
const seconds = option('--seconds', 3);
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

const { child: mock, message } = await startNode(here('./mock-upstream.mjs'), [], { core: coreFor('client') });
const upstream = `http://127.0.0.1:${message.port}`;
const variantsAt = args.indexOf('--variants');
const variants = variantsAt === -1 ? ['provider', 'router', 'proxy', 'proxy-log'] : args[variantsAt + 1].split(',');
const servers = [];
servers.push({ name: 'pass-through floor', ...(await startNode(here('./passthrough-proxy.mjs'), [], { core: coreFor('server'), env: { UPSTREAM: upstream } })) });
for (const variant of variants) {
  // VARIANT+--node-flag: that server runs under `node --node-flag` (e.g. floor+--max-semi-space-size=32).
  const [name, ...nodeArgs] = variant.split('+');
  const at = name.lastIndexOf(':');
  const layer = at === -1 ? name : name.slice(at + 1);
  const script =
    layer === 'floor' ? here('./passthrough-proxy.mjs') : at === -1 ? here('./variant-server.mjs') : `${name.slice(0, at)}/bench/variant-server.mjs`;
  servers.push({ name: variant, ...(await startNode(script, layer === 'floor' ? [] : [layer], { core: coreFor('server'), nodeArgs, env: { UPSTREAM: upstream } })) });
}
const body = JSON.stringify({ model: 'bench', messages, stream: kind === 'sse' });
const run = (server, duration) =>
  autocannon({ url: `http://127.0.0.1:${server.message.port}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 50, duration });
const samples = new Map(servers.map((server) => [server.name, { cpu: [], rps: [] }]));
for (const server of servers) await run(server, 1);
for (let round = 0; round < rounds; round++) {
  for (const server of round % 2 ? [...servers].reverse() : servers) {
    const before = cpuMicros(server.child.pid);
    const result = await run(server, seconds);
    const total = result.requests.total;
    if (result.non2xx > 0) console.error(`${server.name}: ${result.non2xx} non-2xx`);
    samples.get(server.name).cpu.push((cpuMicros(server.child.pid) - before) / total);
    samples.get(server.name).rps.push(total / seconds);
  }
}
await Promise.all([...servers.map((server) => stop(server.child)), stop(mock)]);
const floor = median(samples.get('pass-through floor').cpu);
console.log(`\n${kind}: CPU µs per request of the server under test (${rounds} rounds × ${seconds} s, 50 connections)\n`);
console.log(
  table(
    ['server', 'CPU µs/req', 'added over floor', 'req/s'],
    servers.map(({ name }) => {
      const { cpu, rps } = samples.get(name);
      return [name, fmt(median(cpu), 0), fmt(median(cpu) - floor, 0), fmt(median(rps), 0)];
    }),
  ),
);
