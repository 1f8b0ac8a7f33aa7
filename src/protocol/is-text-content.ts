import type { TextCompletion } from './text-completion.js';

/**
 * Whether a streamed text completion is a "first chunk" in DESIGN §9's sense: some choice carries
 * non-empty `text` or a `finish_reason`. An empty piece (some servers open with one) does not.
 */
export function isTextContent(piece: TextCompletion): boolean {
  const choices = piece.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (choice == null) continue;
    if (choice.finish_reason != null || (typeof choice.text === 'string' && choice.text.length > 0)) return true;
  }
  return false;
}
