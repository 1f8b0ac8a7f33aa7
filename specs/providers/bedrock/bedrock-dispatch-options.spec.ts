import { describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError } from '../../../src/errors/error-classes.js';
import { bedrockDispatchOptions } from '../../../src/providers/bedrock/bedrock-dispatch-options.js';
import type { ProviderRequest } from '../../../src/providers/provider.js';
import { testDeployment } from '../../support/test-deployment.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const signatureHeaders = {
  authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 /) as string,
  'x-amz-date': expect.any(String) as string,
  'x-amz-content-sha256': expect.stringMatching(/^[0-9a-f]{64}$/) as string,
};
const body = { model: 'x', messages: [{ role: 'user', content: 'Hi' }] };

function request(fields: Parameters<typeof testDeployment>[0], stream = false): ProviderRequest {
  return { deployment: testDeployment({ provider: 'bedrock', awsRegionName: 'us-east-1', ...fields }), body, stream };
}

describe('bedrockDispatchOptions', () => {
  it('posts the Converse body to /model/<id>/converse, the id URI-encoded as AWS does (ARNs, colons)', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0';
    const options = await bedrockDispatchOptions(request({ apiBase: 'https://bedrock-runtime.us-east-1.amazonaws.com', model: arn, awsCredentials: credentials }));
    expect(options).toMatchObject({
      origin: 'https://bedrock-runtime.us-east-1.amazonaws.com',
      method: 'POST',
      path: `/model/${encodeURIComponent(arn)}/converse`,
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    });
    expect(options.path).toContain('arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic');
  });

  it("streams from /converse-stream under api_base's own path, asking for the event stream", async () => {
    const options = await bedrockDispatchOptions(request({ apiBase: 'http://127.0.0.1:8080/proxy/bedrock', model: 'm(1)', awsCredentials: credentials }, true));
    expect(options.path).toBe('/proxy/bedrock/model/m%281%29/converse-stream');
    expect(options.headers).toEqual({ host: '127.0.0.1:8080', 'content-type': 'application/json', ...signatureHeaders });
  });

  it('signs with SigV4 for service bedrock in the deployment region, asynchronously', async () => {
    const pending = bedrockDispatchOptions(request({ apiBase: 'https://bedrock-runtime.us-east-1.amazonaws.com', model: 'm', awsCredentials: { ...credentials, sessionToken: 'tok' } }));
    expect(pending).toBeInstanceOf(Promise);
    const headers = (await pending).headers as Record<string, string>;
    expect(headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers['x-amz-security-token']).toBe('tok');
  });

  it("leaves out LiteLLM's converse/ route prefix", async () => {
    const options = await bedrockDispatchOptions(request({ apiBase: 'https://b.example', model: 'converse/amazon.nova-lite-v1:0', awsCredentials: credentials }));
    expect(options.path).toBe('/model/amazon.nova-lite-v1%3A0/converse');
  });

  it('sends a bearer token at once, unsigned, when the deployment has one', () => {
    const options = bedrockDispatchOptions(request({ apiBase: 'https://bedrock-runtime.us-east-1.amazonaws.com', model: 'm', apiKey: 'br-token', awsCredentials: credentials }));
    expect(options).not.toBeInstanceOf(Promise);
    expect((options as { headers: Record<string, string> }).headers).toMatchObject({ authorization: 'Bearer br-token' });
    expect((options as { headers: Record<string, string> }).headers).not.toHaveProperty('x-amz-date');
  });

  it('fails a deployment it cannot call with a typed error naming what is missing', () => {
    expect(() => bedrockDispatchOptions(request({ apiBase: 'https://b.example', model: 'no-keys' }))).toThrow(AuthenticationError);
    expect(() => bedrockDispatchOptions(request({ apiBase: '', model: 'no-base', awsCredentials: credentials }))).toThrow(
      expect.objectContaining({ param: 'aws_region_name' }) as Error,
    );
    expect(() => bedrockDispatchOptions(request({ apiBase: 'https://b.example', model: 'no-region', awsRegionName: undefined, awsCredentials: credentials }))).toThrow(BadRequestError);
  });

  it('fails a body Converse cannot take before signing anything', () => {
    const deployment = testDeployment({ provider: 'bedrock', apiBase: 'https://b.example', model: 'm', awsRegionName: 'us-east-1', awsCredentials: credentials });
    expect(() => bedrockDispatchOptions({ deployment, body: { ...body, logit_bias: { '1': 5 } }, stream: false })).toThrow(
      expect.objectContaining({ param: 'logit_bias', status: 400 }) as Error,
    );
  });
});
