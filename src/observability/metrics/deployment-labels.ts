import type { Deployment } from '../../config/router-settings.js';
import { publicApiBase } from '../../proxy/public-api-base.js';

/**
 * LiteLLM's labels of one deployment (`litellm_model_name`, `model_id`, `api_base`, `api_provider`),
 * made once per deployment and shared by every series of it, so an event costs no label object.
 * `api_base` is shown without credentials (`https://***:***@host/v1?key=***`): a base URL is where
 * keys end up by mistake, and a scrape is read by more people than the config.
 */
export type DeploymentLabels = {
  readonly litellm_model_name: string;
  readonly model_id: string;
  readonly api_base: string;
  readonly api_provider: string;
};

export function deploymentLabels(deployment: Deployment): DeploymentLabels {
  return {
    litellm_model_name: deployment.model,
    model_id: deployment.id,
    api_base: publicApiBase(deployment.apiBase),
    api_provider: deployment.provider,
  };
}
