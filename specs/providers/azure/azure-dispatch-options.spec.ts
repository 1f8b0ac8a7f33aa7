import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors/error-classes.js';
import { azureDispatchOptions } from '../../../src/providers/azure/azure-dispatch-options.js';
import { testDeployment } from '../../support/test-deployment.js';

const body = { model: 'prod 4o', messages: [{ role: 'user', content: 'Hi' }] };

function azure(fields: Partial<Parameters<typeof testDeployment>[0]> = {}) {
  return testDeployment({ provider: 'azure', apiBase: 'https://res.openai.azure.com/', model: 'prod 4o', apiVersion: '2025-01-01-preview', apiKey: 'az-key', ...fields });
}

describe('azureDispatchOptions', () => {
  it("builds Azure's URL from api_base, the deployment (encoded) and api-version", () => {
    const options = azureDispatchOptions({ deployment: azure(), body, stream: false });
    expect(options).toMatchObject({ origin: 'https://res.openai.azure.com', method: 'POST' });
    expect(options.path).toBe('/openai/deployments/prod%204o/chat/completions?api-version=2025-01-01-preview');
    expect(JSON.parse(String(options.body))).toEqual(body);
  });

  it("sends text completions and embeddings to the deployment's /completions and /embeddings", () => {
    expect(azureDispatchOptions({ deployment: azure(), body, stream: false, kind: 'text_completion' }).path).toBe(
      '/openai/deployments/prod%204o/completions?api-version=2025-01-01-preview',
    );
    expect(azureDispatchOptions({ deployment: azure(), body, stream: false, kind: 'embedding' }).path).toBe(
      '/openai/deployments/prod%204o/embeddings?api-version=2025-01-01-preview',
    );
  });

  it("keeps a query of api_base's own next to api-version", () => {
    expect(azureDispatchOptions({ deployment: azure({ apiBase: 'https://gw.example/azure?tenant=a' }), body, stream: false }).path).toBe(
      '/azure/openai/deployments/prod%204o/chat/completions?tenant=a&api-version=2025-01-01-preview',
    );
  });

  it('asks for an event stream when streaming, and sends the key as api-key', () => {
    const { headers } = azureDispatchOptions({ deployment: azure(), body, stream: true });
    expect(headers).toEqual({ 'content-type': 'application/json', accept: 'text/event-stream', 'api-key': 'az-key' });
  });

  it('prefers the key over an Entra ID token, and sends the token as Bearer when alone', () => {
    expect(azureDispatchOptions({ deployment: azure({ azureAdToken: 't' }), body, stream: false }).headers).not.toHaveProperty('authorization');
    const tokenOnly = azureDispatchOptions({ deployment: azure({ apiKey: undefined, azureAdToken: 'eyJ-t' }), body, stream: false });
    expect(tokenOnly.headers).toMatchObject({ authorization: 'Bearer eyJ-t' });
    expect(tokenOnly.headers).not.toHaveProperty('api-key');
  });

  it('refuses a deployment without api_version, naming it', () => {
    expect(() => azureDispatchOptions({ deployment: azure({ apiVersion: undefined }), body, stream: false })).toThrow(BadRequestError);
    expect(() => azureDispatchOptions({ deployment: azure({ apiVersion: undefined }), body, stream: false })).toThrow(/api_version/);
  });
});
