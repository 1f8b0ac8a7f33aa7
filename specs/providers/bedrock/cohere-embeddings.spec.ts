import { describe, expect, it } from 'vitest';
import { APIConnectionError } from '../../../src/errors/error-classes.js';
import { readCohereEmbeddings, toCohereEmbedRequest } from '../../../src/providers/bedrock/cohere-embeddings.js';

const model = 'cohere.embed-english-v3';
const strict = { dropParams: false };

describe('toCohereEmbedRequest', () => {
  it('sends every input as texts, as search_document by default', () => {
    expect(toCohereEmbedRequest({ input: ['a', 'b'] }, model, strict)).toEqual({ texts: ['a', 'b'], input_type: 'search_document' });
    expect(toCohereEmbedRequest({ input: 'q' }, model, strict)).toEqual({ texts: ['q'], input_type: 'search_document' });
  });

  it("passes a caller's input_type on", () => {
    expect(toCohereEmbedRequest({ input: 'q', input_type: 'search_query' }, model, strict)).toEqual({ texts: ['q'], input_type: 'search_query' });
  });

  it('refuses dimensions with a 400 naming dimensions, unless drop_params', () => {
    expect(() => toCohereEmbedRequest({ input: 'q', dimensions: 8 }, model, strict)).toThrow(expect.objectContaining({ param: 'dimensions', status: 400 }));
    expect(toCohereEmbedRequest({ input: 'q', dimensions: 8 }, model, { dropParams: true })).not.toHaveProperty('dimensions');
  });

  it('refuses token inputs with a 400 naming input', () => {
    expect(() => toCohereEmbedRequest({ input: [[1, 2]] }, model, strict)).toThrow(expect.objectContaining({ param: 'input', status: 400 }));
  });
});

describe('readCohereEmbeddings', () => {
  const context = { model, base64: false, inputs: 2, inputTokens: 7 };

  it('reads embeddings_floats in order, usage from the token-count header', () => {
    const body = { embeddings: [[0.1], [0.2]], id: 'e-1', response_type: 'embeddings_floats', texts: ['a', 'b'] };
    expect(readCohereEmbeddings(body, context)).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1] },
        { object: 'embedding', index: 1, embedding: [0.2] },
      ],
      model,
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it('reads the float list of embeddings_by_type', () => {
    const body = { embeddings: { float: [[0.1], [0.2]] }, id: 'e-1', response_type: 'embeddings_by_type', texts: ['a', 'b'] };
    expect(readCohereEmbeddings(body, context).data.map((item) => item.embedding)).toEqual([[0.1], [0.2]]);
  });

  it('calls an answer without one float vector per input malformed', () => {
    expect(() => readCohereEmbeddings({ embeddings: [[0.1]] }, context)).toThrow(APIConnectionError);
    expect(() => readCohereEmbeddings({ embeddings: { int8: [[1], [2]] } }, context)).toThrow(APIConnectionError);
  });
});
