// A workload to profile on its own: `node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.mjs CASE`
// then `node bench/lib/summarize-profile.mjs /tmp/prof/*.cpuprofile`. CASE is one of
//   inproc-json     router.completion$ over of(completion), 300k calls
//   inproc-stream   router.completion$ over from(20 chunks), 150k calls
//   undici-json     router over undici to the mock upstream, 50 in flight, 40k calls
//   undici-stream   the same, streaming (20 chunks), 20k calls
//   proxy-json      the rxllm CLI (started here with --cpu-prof into PROF_DIR, default /tmp/prof) under
//                   autocannon, 50 connections, 10 s; proxy-sse likewise with streams
import { fileURLToPath } from 'node:url';
import { from, lastValueFrom, of } from 'rxjs';
import { Router } from '../dist/index.js';
import { chunks, completion, request, routerConfig, streamRequest } from './lib/fixtures.mjs';
import { ask, coreFor, startNode, stop } from './lib/processes.mjs';

const which = process.argv[2] ?? 'inproc-json';
const noop = () => {};

if (which.startsWith('proxy')) {
  const { default: autocannon } = await import('autocannon');
  const { child: mock, message } = await startNode(fileURLToPath(new URL('./mock-upstream.mjs', import.meta.url)), [], { core: coreFor('client') });
  const port = 40_000 + Math.floor(Math.random() * 10_000);
  const { child: rx } = await startNode(
    fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)),
    ['--config', fileURLToPath(new URL('./config.yaml', import.meta.url)), '--port', String(port)],
    {
      core: coreFor('server'),
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.PROF_DIR ?? '/tmp/prof'}`],
      env: { BENCH_UPSTREAM: `http://127.0.0.1:${message.port}/v1` },
      ready: false,
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const body = JSON.stringify({ model: 'bench', messages: request.messages, stream: which === 'proxy-sse' });
  const result = await autocannon({ url: `http://127.0.0.1:${port}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 50, duration: 10 });
  console.log(which, Math.round(result.requests.average), 'req/s', result.non2xx, 'non-2xx');
  await stop(rx);
  await stop(mock);
} else if (which.startsWith('inproc')) {
  const provider = { call: (r) => (r.stream ? from(chunks) : of(completion)) };
  const router = new Router(routerConfig('http://127.0.0.1:9/v1'), { provider, env: {} });
  const stream = which === 'inproc-stream';
  const n = stream ? 150_000 : 300_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) router.completion$(stream ? streamRequest : request).subscribe(noop);
  console.log(which, (Number(process.hrtime.bigint() - start) / 1e3 / n).toFixed(2), 'µs/call');
  await router.close();
} else {
  const { child, message } = await startNode(fileURLToPath(new URL('./mock-upstream.mjs', import.meta.url)), [], { core: coreFor('client') });
  const router = new Router(routerConfig(`http://127.0.0.1:${message.port}/v1`), { env: {} });
  const stream = which === 'undici-stream';
  const total = stream ? 20_000 : 40_000;
  let started = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (started++ < total) await lastValueFrom(router.completion$(stream ? streamRequest : request));
    }),
  );
  const used = process.cpuUsage(cpu);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(await ask(child, { type: 'stats' }));
  console.log(which, ((used.user + used.system) / total).toFixed(1), 'CPU µs/call', (total / seconds).toFixed(0), 'calls/s');
  await router.close();
  await stop(child);
}
