// Micro-benchmarks behind the hot-path fixes in src/ (best of 7 batches, ns per operation):
//   reducer  the deployment reducer: one attemptStarted + one attemptSucceeded (every attempt sends both)
//   abort    what aborting an undici request costs to set up: AbortController + an EventTarget
//            listener added and removed, against rxllm's AbortEmitter + once/removeListener
//   error-with  a call's final error: RequestTimeoutError made at a call-like stack depth, then .with()
//   cancel   unsubscribing from a provider call in flight (the request's socket is destroyed): the
//            synchronous cost, p50 and mean of 1500, against a local server that never answers
// node bench/micro.mjs [reducer|abort|error-with|cancel]   (after `npm run build`; pin it: taskset -c 0)
// (ROOT=/other/checkout runs that checkout's dist/, for a before/after)
const dist = process.env.ROOT === undefined ? '../dist' : `${process.env.ROOT}/dist`;
const { createDeploymentReducer } = await import(`${dist}/deployments/reduce-deployment.js`);
const { initialDeploymentState } = await import(`${dist}/deployments/deployment-state.js`);

const which = process.argv[2] ?? 'reducer';
const noop = () => {};

function bench(name, fn, n = 200_000) {
  for (let i = 0; i < n; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / n);
  }
  console.log(`${name}: ${best.toFixed(0)} ns (best of 7 × ${n})`);
}

if (which === 'reducer') {
  const reduce = createDeploymentReducer({ sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined, probeRequests: 1, maxCooldownMs: 300_000 });
  let state = initialDeploymentState('a', 'g');
  const started = { type: 'attemptStarted' };
  const succeeded = { type: 'attemptSucceeded', latencyMs: 1, ttftMs: undefined, outputTokens: 12, tokens: 21 };
  bench('reducer: attemptStarted + attemptSucceeded', () => {
    const now = Date.now();
    state = reduce(state, started, now);
    state = reduce(state, succeeded, now);
  });
} else if (which === 'error-with') {
  const { RequestTimeoutError } = await import(`${dist}/index.js`);
  // Errors are made deep in RxJS's subscriber chain; a stack this deep fills the default 10 frames.
  const deep = (depth, fn) => (depth === 0 ? fn() : deep(depth - 1, fn));
  const make = () => new RequestTimeoutError('no first chunk within 50 ms', { code: 'first_chunk_timeout' });
  bench('new RequestTimeoutError', () => deep(12, make), 20_000);
  bench('new RequestTimeoutError + .with(): the final error', () => deep(12, () => make().with({ numRetries: 0, attempts: [] })), 20_000);
} else if (which === 'cancel') {
  const { createServer } = await import('node:http');
  const { Agent } = await import('undici');
  const { createOpenAICompatibleProvider } = await import(`${dist}/providers/openai-compatible.js`);
  const server = createServer(() => {}).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const dispatcher = new Agent();
  const provider = createOpenAICompatibleProvider({ dispatcher });
  const deployment = { id: 'd', group: 'g', model: 'm', apiBase: `http://127.0.0.1:${server.address().port}/v1`, apiKey: 'sk-micro' };
  let requests = 0;
  server.on('request', () => (requests += 1));
  const times = [];
  for (let i = 0; i < 1600; i++) {
    const seen = requests;
    const subscription = provider.call({ deployment, body: { model: 'm', messages: [] }, stream: true }).subscribe({ error: noop });
    while (requests === seen) await new Promise((resolve) => setImmediate(resolve));
    const start = process.hrtime.bigint();
    subscription.unsubscribe();
    if (i >= 100) times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
  console.log(`cancel a call in flight: p50 ${times[times.length >> 1].toFixed(1)} µs, mean ${mean.toFixed(1)} µs (${times.length} cancels)`);
  await dispatcher.destroy();
  server.close();
} else {
  bench('AbortController + addEventListener/removeEventListener', () => {
    const { signal } = new AbortController();
    signal.addEventListener('abort', noop, { once: true });
    signal.removeEventListener('abort', noop);
  });
  try {
    const { AbortEmitter } = await import(`${dist}/providers/abort-emitter.js`);
    bench('AbortEmitter + once/removeListener', () => {
      const signal = new AbortEmitter();
      signal.once('abort', noop);
      signal.removeListener('abort', noop);
    });
  } catch {
    console.log('AbortEmitter: not in this build (before f0394a5, or after 69847d5 replaced it with undici dispatch)');
  }
}
