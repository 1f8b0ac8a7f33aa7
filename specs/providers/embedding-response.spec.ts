import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors/error-classes.js';
import { embeddingResponse } from '../../src/providers/embedding-response.js';
import { embeddingTexts } from '../../src/providers/embedding-texts.js';
import { float32Base64 } from '../../src/providers/float32-base64.js';

const decode = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
};

describe('float32Base64', () => {
  it('encodes float32 little-endian bytes, as OpenAI does', () => {
    expect(float32Base64([1, 0])).toBe('AACAPwAAAAA=');
    expect(decode(float32Base64([0.5, -2, 1024]))).toEqual([0.5, -2, 1024]);
  });
});

describe('embeddingTexts', () => {
  it('takes a string or strings, one text per vector', () => {
    expect(embeddingTexts('a', 'gemini/')).toEqual(['a']);
    expect(embeddingTexts(['a', 'b'], 'gemini/')).toEqual(['a', 'b']);
  });

  it('refuses token inputs with a 400 naming input', () => {
    for (const input of [[1, 2], [[1], [2]], ['a', 3]]) {
      expect(() => embeddingTexts(input, 'bedrock/')).toThrow(BadRequestError);
      try {
        embeddingTexts(input, 'bedrock/');
      } catch (error) {
        expect(error).toMatchObject({ status: 400, param: 'input' });
        expect((error as Error).message).toMatch(/bedrock\/ deployments embed text only/);
      }
    }
  });
});

describe('embeddingResponse', () => {
  it("builds OpenAI's list of embeddings in input order, with usage", () => {
    expect(embeddingResponse([[0.25], [0.5]], { model: 'm', promptTokens: 4, base64: false })).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.25] },
        { object: 'embedding', index: 1, embedding: [0.5] },
      ],
      model: 'm',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
  });

  it('encodes each vector as base64 when asked', () => {
    const { data } = embeddingResponse([[0.25, -1]], { model: 'm', promptTokens: 0, base64: true });
    expect(decode(data[0]?.embedding as string)).toEqual([0.25, -1]);
  });
});
