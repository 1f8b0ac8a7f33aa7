import { describe, expect, it } from 'vitest';
import { APIConnectionError, BadRequestError, RateLimitError } from '../../../src/errors/error-classes.js';
import { readGeminiEmbeddings, toGeminiEmbedRequest } from '../../../src/providers/gemini/gemini-embeddings.js';

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const context = { model: 'gemini-embedding-001', texts: ['hello', 'a longer text'], base64: false };

describe('toGeminiEmbedRequest', () => {
  it('sends one EmbedContentRequest per input, naming models/<model>', () => {
    expect(toGeminiEmbedRequest({ input: ['hello', 'world'] }, 'gemini-embedding-001')).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] } },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'world' }] } },
      ],
    });
  });

  it('sends dimensions as outputDimensionality on every request', () => {
    const { requests } = toGeminiEmbedRequest({ input: 'hello', dimensions: 256 }, 'text-embedding-004');
    expect(requests).toEqual([{ model: 'models/text-embedding-004', content: { parts: [{ text: 'hello' }] }, outputDimensionality: 256 }]);
  });

  it('refuses token inputs with a 400 naming input', () => {
    expect(() => toGeminiEmbedRequest({ input: [101, 102] }, 'm')).toThrow(BadRequestError);
    expect(() => toGeminiEmbedRequest({ input: [101, 102] }, 'm')).toThrow(/gemini\/ deployments embed text only/);
  });
});

describe('readGeminiEmbeddings', () => {
  it("turns {embeddings: [{values}]} into OpenAI's list, in order, with an estimated usage", () => {
    const answer = readGeminiEmbeddings(bytes({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }), context);
    expect(answer).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 1, embedding: [0.3, 0.4] },
      ],
      model: 'gemini-embedding-001',
      // ceil(5 / 4) + ceil(13 / 4): Gemini reports no token counts.
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });

  it('encodes vectors as float32 base64 when asked', () => {
    const answer = readGeminiEmbeddings(bytes({ embeddings: [{ values: [1, 0] }] }), { ...context, texts: ['x'], base64: true });
    expect(answer.data[0]?.embedding).toBe('AACAPwAAAAA=');
  });

  it('reads a google.rpc error body (even in a 200) as its typed error, the key masked', () => {
    const body = { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'quota for key AIza-secret exceeded' } };
    let thrown: unknown;
    try {
      readGeminiEmbeddings(bytes(body), { ...context, apiKey: 'AIza-secret' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RateLimitError);
    expect((thrown as Error).message).not.toContain('AIza-secret');
  });

  it('calls an answer without one vector per input malformed', () => {
    for (const body of [{}, { embeddings: [{ values: [1] }] }, { embeddings: [{ values: [1] }, { values: ['x'] }] }, 'text']) {
      expect(() => readGeminiEmbeddings(bytes(body), context)).toThrow(APIConnectionError);
    }
    expect(() => readGeminiEmbeddings(Buffer.from('not json'), context)).toThrow(APIConnectionError);
  });
});
