import type { GeminiCandidate } from './gemini-types.js';

/** A candidate's text and thought-summary text, each joined from its parts; `undefined` when it has none. */
export function geminiCandidateText(candidate: GeminiCandidate): { text: string | undefined; thoughts: string | undefined } {
  let text: string | undefined;
  let thoughts: string | undefined;
  const parts = candidate.content?.parts;
  if (Array.isArray(parts)) {
    for (const part of parts) {
      if (typeof part?.text !== 'string') continue;
      if (part.thought === true) thoughts = (thoughts ?? '') + part.text;
      else text = (text ?? '') + part.text;
    }
  }
  return { text, thoughts };
}
