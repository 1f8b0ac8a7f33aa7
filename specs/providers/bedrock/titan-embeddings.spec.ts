import { describe, expect, it } from 'vitest';
import { APIConnectionError, BadRequestError } from '../../../src/errors/error-classes.js';
import { readTitanEmbeddings, toTitanEmbedRequest } from '../../../src/providers/bedrock/titan-embeddings.js';

const v2 = 'amazon.titan-embed-text-v2:0';
const v1 = 'amazon.titan-embed-text-v1';
const strict = { dropParams: false };

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('toTitanEmbedRequest', () => {
  it('asks V2 for normalised vectors, with dimensions when given', () => {
    expect(toTitanEmbedRequest({ input: 'hi' }, v2, strict)).toEqual({ inputText: 'hi', normalize: true });
    expect(toTitanEmbedRequest({ input: ['hi'], dimensions: 256 }, v2, strict)).toEqual({ inputText: 'hi', dimensions: 256, normalize: true });
  });

  it('sends G1 its inputText only', () => {
    expect(toTitanEmbedRequest({ input: 'hi' }, v1, strict)).toEqual({ inputText: 'hi' });
  });

  it('refuses dimensions for G1 with a 400 naming dimensions, unless drop_params', () => {
    expect(thrown(() => toTitanEmbedRequest({ input: 'hi', dimensions: 256 }, v1, strict))).toMatchObject({ status: 400, param: 'dimensions' });
    expect(toTitanEmbedRequest({ input: 'hi', dimensions: 256 }, v1, { dropParams: true })).toEqual({ inputText: 'hi' });
  });

  it('refuses more than one input with a 400 naming input', () => {
    const error = thrown(() => toTitanEmbedRequest({ input: ['a', 'b'] }, v2, strict));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ param: 'input' });
    expect((error as Error).message).toMatch(/one text per call/);
  });

  it('refuses token inputs with a 400 naming input', () => {
    expect(thrown(() => toTitanEmbedRequest({ input: [1, 2, 3] }, v2, strict))).toMatchObject({ status: 400, param: 'input' });
  });
});

describe('readTitanEmbeddings', () => {
  it('reads {embedding, inputTextTokenCount} as one OpenAI embedding with usage', () => {
    expect(readTitanEmbeddings({ embedding: [0.5, -0.5], inputTextTokenCount: 3 }, { model: v2, base64: false })).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.5] }],
      model: v2,
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });

  it('encodes base64 when asked', () => {
    expect(readTitanEmbeddings({ embedding: [1, 0], inputTextTokenCount: 1 }, { model: v2, base64: true }).data[0]?.embedding).toBe('AACAPwAAAAA=');
  });

  it('calls a body without an embedding malformed', () => {
    expect(() => readTitanEmbeddings({ embeddings: [[1]] }, { model: v2, base64: false })).toThrow(APIConnectionError);
    expect(() => readTitanEmbeddings(null, { model: v2, base64: false })).toThrow(APIConnectionError);
  });
});
