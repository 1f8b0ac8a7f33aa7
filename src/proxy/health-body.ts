import type { Deployment } from '../config/router-settings.js';
import type { DeploymentProbe, HealthReport } from '../health/health-report.js';
import { modelInfoEntry } from './model-info.js';

/** One deployment as LiteLLM's `GET /health` lists it: its `litellm_params` without credentials, its id, and why it failed. */
export type HealthEndpoint = Record<string, string | number | boolean>;

/** LiteLLM's `GET /health` body. */
export interface HealthBody {
  healthy_endpoints: HealthEndpoint[];
  unhealthy_endpoints: HealthEndpoint[];
  healthy_count: number;
  unhealthy_count: number;
}

/** Every secret a deployment holds: an upstream error message may echo one back (OpenAI's 401 quotes the key). */
function secretsOf(deployment: Deployment): string[] {
  const secrets = [deployment.apiKey, deployment.azureAdToken, deployment.awsCredentials?.secretAccessKey, deployment.awsCredentials?.sessionToken];
  // Very short values would mask ordinary words; no real key is that short.
  return secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 8);
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  return out;
}

function endpoint(probe: DeploymentProbe): HealthEndpoint {
  const entry: HealthEndpoint = { ...modelInfoEntry(probe.deployment).litellm_params, model_id: probe.deployment.id };
  if (probe.error !== undefined) entry['error'] = redact(`${probe.error.name}: ${probe.error.message}`, secretsOf(probe.deployment));
  return entry;
}

/**
 * A health report as LiteLLM's `GET /health` answers it: `healthy_endpoints` and
 * `unhealthy_endpoints` (each the deployment's `litellm_params` as `/v1/model/info` shows them, no
 * key, `api_base` credentials masked, plus `model_id`, and for the unhealthy an `error` string with
 * any of the deployment's secrets masked), and their counts.
 */
export function healthBody(report: HealthReport): HealthBody {
  const healthy = report.probes.filter((probe) => probe.healthy).map(endpoint);
  const unhealthy = report.probes.filter((probe) => !probe.healthy).map(endpoint);
  return { healthy_endpoints: healthy, unhealthy_endpoints: unhealthy, healthy_count: healthy.length, unhealthy_count: unhealthy.length };
}
