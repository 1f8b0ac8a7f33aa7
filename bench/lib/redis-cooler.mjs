// The other process of the propagation bench: a Redis store holding `count` deployments; on
// `{ cool: i }` it cools deployment i (a 429) and answers `{ at }`, the CLOCK_MONOTONIC ms it did.
import { asyncScheduler } from 'rxjs';
import { createRedisDeploymentStore } from '../../dist/index.js';
import { createDeploymentReducer } from '../../dist/deployments/reduce-deployment.js';
import { nowMs } from './stats.mjs';

const [url, keyPrefix, count] = process.argv.slice(2);
const reducer = createDeploymentReducer({ sole: false, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined });
const ids = Array.from({ length: Number(count) }, (_, i) => `d${i}`);
const store = createRedisDeploymentStore(
  ids.map((id) => ({ id, group: 'g', reducer })),
  asyncScheduler,
  { url, keyPrefix, log: (level) => level === 'info' && process.send({ ready: true }) },
);
process.on('message', async (message) => {
  if (message.cool !== undefined) {
    const id = ids[message.cool];
    store.send(id, { type: 'attemptStarted' });
    store.send(id, { type: 'attemptFailed', error: { kind: 'rate_limit', status: 429, code: 'rate_limit_exceeded' }, latencyMs: 1, cooldownMs: 600_000 });
    // The moment the cooldown exists here: propagation is measured from it.
    process.send({ at: nowMs() });
  } else if (message.stop) {
    await store.close();
    process.exit(0);
  }
});
