import { describe, expect, it } from 'vitest';
import { missingProviderParams, providerParams, supportedProviders } from '../../src/config/provider-params.js';

describe('providerParams', () => {
  it('takes each param from litellm_params first, then the environment, then the default', () => {
    const env = { OPENAI_API_KEY: 'sk-env', OPENAI_API_BASE: 'http://env/v1' };
    expect(providerParams('openai', { api_key: 'sk-own' }, env)).toEqual({
      apiBase: 'http://env/v1',
      apiKey: 'sk-own',
      apiVersion: undefined,
      azureAdToken: undefined,
    });
    expect(providerParams('openai', {}, {})).toMatchObject({ apiBase: 'https://api.openai.com/v1', apiKey: undefined });
  });

  it("reads Azure's own variables, never OpenAI's", () => {
    const env = {
      OPENAI_API_KEY: 'sk-openai',
      AZURE_API_KEY: 'az-key',
      AZURE_API_BASE: 'https://res.openai.azure.com/',
      AZURE_API_VERSION: '2024-10-21',
      AZURE_AD_TOKEN: 'eyJ-token',
    };
    expect(providerParams('azure', {}, env)).toEqual({
      apiBase: 'https://res.openai.azure.com',
      apiKey: 'az-key',
      apiVersion: '2024-10-21',
      azureAdToken: 'eyJ-token',
    });
    expect(providerParams('azure', {}, { AZURE_OPENAI_API_KEY: 'az-2' }).apiKey).toBe('az-2');
  });

  it("reads Anthropic's own variables, defaulting api_base to Anthropic's API", () => {
    expect(providerParams('anthropic', {}, { ANTHROPIC_API_KEY: 'sk-ant', OPENAI_API_KEY: 'sk-openai' })).toMatchObject({
      apiBase: 'https://api.anthropic.com',
      apiKey: 'sk-ant',
    });
    expect(providerParams('anthropic', {}, { ANTHROPIC_BASE_URL: 'https://gw.example/' }).apiBase).toBe('https://gw.example');
  });

  it('treats an empty param as not given', () => {
    expect(providerParams('azure', { api_version: '' }, { AZURE_API_VERSION: '2024-10-21' }).apiVersion).toBe('2024-10-21');
  });
});

describe('providerParams for bedrock/', () => {
  const keys = { AWS_ACCESS_KEY_ID: 'AKID-env', AWS_SECRET_ACCESS_KEY: 'secret-env', AWS_SESSION_TOKEN: 'token-env' };

  it("takes the region from aws_region_name, else AWS_REGION, else AWS_DEFAULT_REGION, and the endpoint from the region unless api_base is given", () => {
    expect(providerParams('bedrock', { aws_region_name: 'us-west-2' }, { AWS_REGION: 'eu-west-1' })).toMatchObject({
      awsRegionName: 'us-west-2',
      apiBase: 'https://bedrock-runtime.us-west-2.amazonaws.com',
    });
    expect(providerParams('bedrock', {}, { AWS_DEFAULT_REGION: 'ap-south-1' }).awsRegionName).toBe('ap-south-1');
    expect(providerParams('bedrock', { api_base: 'http://127.0.0.1:9/' }, { AWS_REGION: 'eu-west-1' }).apiBase).toBe('http://127.0.0.1:9');
  });

  it('signs with the AWS_* keys, the session token with them', () => {
    expect(providerParams('bedrock', {}, keys)).toMatchObject({
      apiKey: undefined,
      awsCredentials: { accessKeyId: 'AKID-env', secretAccessKey: 'secret-env', sessionToken: 'token-env' },
    });
  });

  it("prefers the deployment's own keys to the environment's, never mixing an environment session token in", () => {
    const own = { aws_access_key_id: 'AKID-own', aws_secret_access_key: 'secret-own' };
    expect(providerParams('bedrock', own, { ...keys, AWS_BEARER_TOKEN_BEDROCK: 'bearer-env' })).toMatchObject({
      apiKey: undefined,
      awsCredentials: { accessKeyId: 'AKID-own', secretAccessKey: 'secret-own' },
    });
    expect(providerParams('bedrock', own, keys).awsCredentials).not.toHaveProperty('sessionToken');
  });

  it('uses a bearer token (api_key, else AWS_BEARER_TOKEN_BEDROCK) instead of the environment keys', () => {
    expect(providerParams('bedrock', {}, { ...keys, AWS_BEARER_TOKEN_BEDROCK: 'bearer-env' })).toMatchObject({ apiKey: 'bearer-env', awsCredentials: undefined });
    expect(providerParams('bedrock', { api_key: 'bearer-own' }, keys)).toMatchObject({ apiKey: 'bearer-own', awsCredentials: undefined });
  });

  it('has no credentials when a key of the pair is missing', () => {
    expect(providerParams('bedrock', {}, { AWS_ACCESS_KEY_ID: 'AKID-env' }).awsCredentials).toBeUndefined();
  });

  it('leaves the AWS variables to bedrock/ deployments', () => {
    expect(providerParams('openai', {}, { ...keys, AWS_REGION: 'eu-west-1' })).toMatchObject({ awsRegionName: undefined, awsCredentials: undefined });
  });
});

describe('missingProviderParams', () => {
  it('names each missing Azure param with the variables that would do', () => {
    expect(missingProviderParams('azure', {}, {})).toEqual([
      ['api_base', 'required for azure/ (or set AZURE_API_BASE)'],
      ['api_key', 'required for azure/ (or set AZURE_API_KEY or AZURE_OPENAI_API_KEY, or give azure_ad_token)'],
      ['api_version', 'required for azure/ (or set AZURE_API_VERSION)'],
    ]);
  });

  it('accepts an Entra ID token instead of an Azure key, and the environment for any of them', () => {
    expect(missingProviderParams('azure', { api_base: 'https://r.openai.azure.com', azure_ad_token: 't' }, { AZURE_API_VERSION: 'v' })).toEqual([]);
  });

  it('requires an Anthropic key, from the deployment or ANTHROPIC_API_KEY', () => {
    expect(missingProviderParams('anthropic', {}, {})).toEqual([['api_key', 'required for anthropic/ (or set ANTHROPIC_API_KEY)']]);
    expect(missingProviderParams('anthropic', {}, { ANTHROPIC_API_KEY: 'sk-ant' })).toEqual([]);
    expect(missingProviderParams('anthropic', { api_key: 'sk-ant' }, {})).toEqual([]);
  });

  it('asks nothing of an OpenAI-compatible deployment (a local server needs no key)', () => {
    expect(missingProviderParams('openai', {}, {})).toEqual([]);
  });

  it('lists the supported prefixes for an unknown one', () => {
    const [issue] = missingProviderParams('cohere', {}, {});
    expect(issue?.[0]).toBe('model');
    for (const provider of supportedProviders) expect(issue?.[1]).toContain(`${provider}/`);
  });
});
