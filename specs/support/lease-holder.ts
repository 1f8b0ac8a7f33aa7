/**
 * A process that holds in-flight leases on a shared Redis store until it is killed: the dying
 * instance of the lease-expiry spec (`node --import tsx specs/support/lease-holder.ts <url> <prefix>
 * <deployment> <count> <leaseTtlMs>`). It prints `holding` once its leases are written.
 */
import { asyncScheduler } from 'rxjs';
import { createRedisDeploymentStore } from '../../src/deployments/redis/create-redis-deployment-store.js';
import { createDeploymentReducer } from '../../src/deployments/reduce-deployment.js';

const [url = '', keyPrefix = '', id = 'x', count = '1', leaseTtlMs = '1000'] = process.argv.slice(2);
const reducer = createDeploymentReducer({ sole: true, disabled: false, allowedFails: undefined, allowedFailsPolicy: undefined, probeRequests: 1, maxCooldownMs: 300_000 });
const store = createRedisDeploymentStore([{ id, group: 'm', reducer }], asyncScheduler, {
  url,
  keyPrefix,
  leaseTtlMs: Number(leaseTtlMs),
  log: (level, message) => {
    if (level !== 'info') return;
    void message;
    for (let i = 0; i < Number(count); i += 1) store.send(id, { type: 'attemptStarted' });
    // The flush runs within a few ms; by then the leases are in Redis and published.
    setTimeout(() => process.stdout.write('holding\n'), 100);
  },
});
