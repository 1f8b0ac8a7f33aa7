import { defer, forkJoin, map, type Observable, of } from 'rxjs';
import { NotFoundError, ServiceUnavailableError } from '../errors/error-classes.js';
import type { RouterCore } from '../router/router-core.js';
import type { HealthReport, ProbeOptions } from './health-report.js';
import { probeDeployment$ } from './probe-deployment.js';

/** The deployments `options` asks for, in `model_list` order; a 404 naming what matched nothing. */
function selected(core: RouterCore, options: ProbeOptions) {
  const { settings } = core;
  let deployments = settings.deployments;
  if (options.group !== undefined) {
    const group = settings.modelGroupAlias.get(options.group)?.group ?? options.group;
    if (!settings.groups.has(group)) {
      throw new NotFoundError(`model "${options.group}" is not a model group of this router`, { code: 'model_not_found', param: 'model' });
    }
    deployments = deployments.filter((deployment) => deployment.group === group);
  }
  if (options.deploymentId !== undefined) {
    const id = options.deploymentId;
    deployments = deployments.filter((deployment) => deployment.id === id);
    if (deployments.length === 0) throw new NotFoundError(`no deployment with model_info.id "${id}"`, { code: 'not_found', param: 'model_id' });
  }
  return deployments;
}

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
    const deployments = selected(core, options);
    const probes$ = deployments.length === 0 ? of([]) : forkJoin(deployments.map((deployment) => probeDeployment$(core, deployment, options)));
    return probes$.pipe(map((probes): HealthReport => ({ at: core.scheduler.now(), probes })));
  });
}
