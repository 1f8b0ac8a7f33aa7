/** A mock's token count for `text`: about four characters a token, as OpenAI's rule of thumb. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Splits a mock answer into word-sized pieces, whitespace kept, so a stream looks like a real one. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}
