import { BadRequestError } from '../errors/error-classes.js';

/**
 * The texts of an OpenAI embeddings `input`, one per vector, for providers that embed text only
 * (Gemini, Bedrock): token ids mean nothing to another provider's tokenizer, so they are refused
 * with a 400 naming `input` rather than sent as digits.
 *
 * @example
 * embeddingTexts(['a', 'b'], 'gemini/') // ['a', 'b']
 * embeddingTexts([1, 2, 3], 'gemini/')  // throws BadRequestError { param: 'input' }
 */
export function embeddingTexts(input: unknown, provider: string): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'string')) return input as string[];
  throw new BadRequestError(`${provider} deployments embed text only: input must be a string or a list of strings, not tokens`, {
    param: 'input',
  });
}
