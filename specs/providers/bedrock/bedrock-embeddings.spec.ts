import { describe, expect, it } from 'vitest';
import { bedrockEmbedFamily, readBedrockEmbeddings } from '../../../src/providers/bedrock/bedrock-embeddings.js';
import { testDeployment } from '../../support/test-deployment.js';

describe('bedrockEmbedFamily', () => {
  it('chooses Titan or Cohere from the model id, inference profiles included', () => {
    expect(bedrockEmbedFamily('amazon.titan-embed-text-v2:0')).toBe('titan');
    expect(bedrockEmbedFamily('amazon.titan-embed-text-v1')).toBe('titan');
    expect(bedrockEmbedFamily('cohere.embed-multilingual-v3')).toBe('cohere');
    expect(bedrockEmbedFamily('us.cohere.embed-english-v3')).toBe('cohere');
  });

  it('refuses any other model with a 400 naming model', () => {
    expect(() => bedrockEmbedFamily('anthropic.claude-3-haiku-20240307-v1:0')).toThrow(
      expect.objectContaining({ status: 400, param: 'model', code: 'unsupported_endpoint' }),
    );
  });
});

describe('readBedrockEmbeddings', () => {
  it("takes a Cohere answer's usage from x-amzn-bedrock-input-token-count, 0 without it", () => {
    const request = { deployment: testDeployment({ apiBase: 'http://127.0.0.1:1', model: 'cohere.embed-english-v3', provider: 'bedrock' }), body: { input: ['a'] }, stream: false, kind: 'embedding' as const };
    const bytes = Buffer.from(JSON.stringify({ embeddings: [[1]], id: 'x', texts: ['a'] }));
    expect(readBedrockEmbeddings(bytes, request, { 'x-amzn-bedrock-input-token-count': '5' }).usage).toEqual({ prompt_tokens: 5, total_tokens: 5 });
    expect(readBedrockEmbeddings(bytes, request, {}).usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });
});
