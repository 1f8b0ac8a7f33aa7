import { defer, forkJoin, map, type Observable, of } from 'rxjs';
import { ServiceUnavailableError } from '../errors/error-classes.js';
import type { RouterCore } from '../router/router-core.js';
import type { HealthReport, ProbeOptions } from './health-report.js';
import { probeDeployment$ } from './probe-deployment.js';
import { selectDeployments } from './select-deployments.js';

/**
 * One round of health probes (DESIGN §11): every deployment (or those of `options.group`, or the one
 * `options.deploymentId` names) gets its minimal call at once, in parallel, each under its own
 * timeout; the report comes when the last has answered or timed out. A cold Observable of one
 * `HealthReport`; unsubscribing aborts the probes still running. Errors only for a group or id that
 * matches nothing (404) or a closed router (503).
 */
export function probeRound$(core: RouterCore, options: ProbeOptions = {}): Observable<HealthReport> {
  return defer(() => {
    if (core.lifecycle.closed) throw new ServiceUnavailableError('the router is closed', { code: 'router_closed' });
    const deployments = selectDeployments(core.settings, options);
    const probes$ = deployments.length === 0 ? of([]) : forkJoin(deployments.map((deployment) => probeDeployment$(core, deployment, options)));
    return probes$.pipe(map((probes): HealthReport => ({ at: core.scheduler.now(), probes })));
  });
}
