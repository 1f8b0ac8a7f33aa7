import { firstValueFrom } from 'rxjs';
import type { Router } from '../router/router.js';
import type { HealthReport, ProbeOptions } from './health-report.js';

/**
 * `router.probeDeployments$(options)` as a Promise: one round of health probes, every deployment (or
 * a group's) called once in parallel under its health-check timeout, each outcome reported to the
 * deployment's actor (a failure counts for cooldowns). Never rejects for an unhealthy deployment:
 * that is in the report. Rejects with a 404 for an unknown group or id, a 503 for a closed router.
 *
 * @example
 * const report = await probeDeployments(router, { group: 'gpt-4o' });
 * const down = report.probes.filter((probe) => !probe.healthy).map((probe) => `${probe.deployment.id}: ${probe.error?.code}`);
 */
export function probeDeployments(router: Router, options: ProbeOptions = {}): Promise<HealthReport> {
  return firstValueFrom(router.probeDeployments$(options));
}
