import type { Deployment } from '../../src/config/router-settings.js';

/**
 * A `Deployment` for specs: only what a provider reads needs giving (`apiBase`, `model`, maybe
 * `apiKey`); the rest gets neutral defaults. `apiKey` is not enumerable, as in real deployments.
 *
 * @example
 * const deployment = testDeployment({ apiBase: upstream.apiBase, model: 'gpt-ok', apiKey: 'sk-test' });
 */
export function testDeployment(fields: Partial<Deployment> & Pick<Deployment, 'apiBase' | 'model'>): Deployment {
  const { apiKey, azureAdToken, awsCredentials, ...rest } = fields;
  const deployment = {
    id: `${fields.model}/0`,
    group: fields.model,
    provider: 'openai',
    apiVersion: undefined,
    awsRegionName: undefined,
    timeoutMs: undefined,
    streamTimeoutMs: undefined,
    streamIdleTimeoutMs: undefined,
    numRetries: undefined,
    cooldownTimeMs: undefined,
    rpm: undefined,
    tpm: undefined,
    weight: undefined,
    order: undefined,
    maxParallelRequests: undefined,
    inputCostPerToken: undefined,
    outputCostPerToken: undefined,
    mockResponse: undefined,
    mockTimeout: false,
    dropParams: false,
    requestDefaults: undefined,
    extraHeaders: undefined,
    ...rest,
  };
  Object.defineProperty(deployment, 'azureAdToken', { value: azureAdToken, enumerable: false });
  Object.defineProperty(deployment, 'awsCredentials', { value: awsCredentials, enumerable: false });
  return Object.defineProperty(deployment, 'apiKey', { value: apiKey, enumerable: false }) as Deployment;
}
