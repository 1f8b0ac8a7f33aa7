// What a timed-out call leaves for the young-generation GC, with nothing else running: 1500 calls, one
// every 5 ms, each timing out after 50 ms (a deployment that never answers), under V8's GC trace and
// a 1 MB young generation (so that scavenges come often enough to count). Per call: bytes allocated,
// bytes that survived a scavenge, and bytes promoted, i.e. kept past two scavenges though each call
// lasts 50 ms. What §3's probes add to the scavenges of a loaded process, one cause at a time.
//
// node bench/timeout-gc.mjs [in-process|http|bare-http]   (after `npm run build`)
//   in-process  the Router over a provider that never emits (no sockets)
//   http        the Router over undici to the mock upstream's `hang` model
//   bare-http   bare undici.request to the same, aborted by a plain setTimeout
// (ROOT=/other/checkout runs that checkout's dist/, for a before/after)
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { coreFor, startNode, stop } from './lib/processes.mjs';

const calls = 1500;
const [mode = 'in-process'] = process.argv.slice(2);
const here = fileURLToPath(import.meta.url);

async function runCase() {
  const { Observable } = await import('rxjs');
  const { Agent, request } = await import('undici');
  const { Router } = await import(process.env.ROOT === undefined ? '../dist/index.js' : `${process.env.ROOT}/dist/index.js`);
  const { messages } = await import('./lib/fixtures.mjs');
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const { child: mock, message } = await startNode(fileURLToPath(new URL('./mock-upstream.mjs', import.meta.url)), [], { core: coreFor('client') });
  const apiBase = `http://127.0.0.1:${message.port}/v1`;
  let call;
  let close;
  if (mode === 'bare-http') {
    const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
    call = (id, done) => {
      const signal = new EventEmitter();
      const body = JSON.stringify({ model: 'hang', messages, stream: true, user: id });
      request(`${apiBase}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: agent, signal }).catch(() => {});
      setTimeout(() => {
        signal.emit('abort');
        done();
      }, 50);
    };
    close = () => agent.close();
  } else {
    const config = {
      model_list: [
        { model_name: 'probe', litellm_params: { model: 'openai/hang', api_base: apiBase, api_key: 'sk-bench', stream_timeout: 0.05 }, model_info: { id: 'probe' } },
      ],
      timeout: 600,
      num_retries: 2,
      retry_policy: { TimeoutErrorRetries: 0 },
    };
    const neverAnswers = { call: () => new Observable(() => () => {}) };
    const router = new Router(config, mode === 'in-process' ? { env: {}, provider: neverAnswers } : { env: {} });
    call = (id, done) => router.completion$({ model: 'probe', messages, stream: true, user: id }).subscribe({ error: () => done(), complete: () => done() });
    close = () => router.close();
  }
  for (let i = 0; i < 200; i++) {
    call(`warm-${i}`, () => {});
    await sleep(5);
  }
  await sleep(300);
  globalThis.gc();
  console.log('# start');
  let pending = 0;
  for (let i = 0; i < calls; i++) {
    pending += 1;
    call(`call-${i}`, () => (pending -= 1));
    await sleep(5);
  }
  while (pending > 0) await sleep(10);
  console.log('# end');
  await close();
  await stop(mock);
}

if (process.argv.includes('--case')) {
  await runCase();
  process.exit(0);
} else {
  const { child } = await startNode(here, [mode, '--case'], {
    core: coreFor('server'),
    nodeArgs: ['--expose-gc', '--trace-gc-nvp', '--max-semi-space-size=1'],
    stdout: 'pipe',
    ready: false,
  });
  let trace = '';
  child.stdout.on('data', (bytes) => (trace += bytes));
  await new Promise((resolve) => child.once('exit', resolve));
  const field = (line, key) => Number(new RegExp(`\\b${key}=([0-9.]+)`).exec(line)?.[1] ?? 0);
  const lines = trace.slice(trace.indexOf('# start'), trace.indexOf('# end')).split('\n').filter((line) => /\bgc=s\b/.test(line));
  const perCall = (key) => (lines.reduce((sum, line) => sum + field(line, key), 0) / calls / 1024).toFixed(2);
  console.log(
    `${mode}: ${lines.length} scavenges over ${calls} timed-out calls; per call: allocated ${perCall('allocated')} KB,`,
    `survived a scavenge ${perCall('new_space_survived')} KB, promoted ${perCall('promoted')} KB`,
  );
}
