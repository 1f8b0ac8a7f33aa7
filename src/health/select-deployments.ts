import type { Deployment, RouterSettings } from '../config/router-settings.js';
import { NotFoundError } from '../errors/error-classes.js';
import type { ProbeOptions } from './health-report.js';

/**
 * The deployments a probe round covers, in `model_list` order: all of them, those of
 * `options.group` (an alias stands for its group), or the one `options.deploymentId` names.
 *
 * @throws NotFoundError (404) for a group or id that matches nothing, naming the query parameter.
 */
export function selectDeployments(settings: RouterSettings, options: ProbeOptions): readonly Deployment[] {
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
