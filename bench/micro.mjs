// Micro-benchmarks behind the hot-path fixes in src/ (best of 7 batches, ns per operation):
//   reducer  the deployment reducer: one attemptStarted + one attemptSucceeded (every attempt sends both)
//   abort    what aborting an undici request costs to set up: AbortController + an EventTarget
//            listener added and removed, against rxllm's AbortEmitter + once/removeListener
// node bench/micro.mjs [reducer|abort]   (after `npm run build`; pin it: taskset -c 0)
import { createDeploymentReducer } from '../dist/deployments/reduce-deployment.js';
import { initialDeploymentState } from '../dist/deployments/deployment-state.js';

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
  const reduce = createDeploymentReducer({ sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined });
  let state = initialDeploymentState('a', 'g');
  const started = { type: 'attemptStarted' };
  const succeeded = { type: 'attemptSucceeded', latencyMs: 1, ttftMs: undefined, outputTokens: 12, tokens: 21 };
  bench('reducer: attemptStarted + attemptSucceeded', () => {
    const now = Date.now();
    state = reduce(state, started, now);
    state = reduce(state, succeeded, now);
  });
} else {
  bench('AbortController + addEventListener/removeEventListener', () => {
    const { signal } = new AbortController();
    signal.addEventListener('abort', noop, { once: true });
    signal.removeEventListener('abort', noop);
  });
  try {
    const { AbortEmitter } = await import('../dist/providers/abort-emitter.js');
    bench('AbortEmitter + once/removeListener', () => {
      const signal = new AbortEmitter();
      signal.once('abort', noop);
      signal.removeListener('abort', noop);
    });
  } catch {
    console.log('AbortEmitter: not in this build (before f0394a5, or after 69847d5 replaced it with undici dispatch)');
  }
}
