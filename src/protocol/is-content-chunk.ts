import type { ChatCompletionChunk, ChatCompletionDelta } from './chat.js';

function hasText(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

function deltaHasContent(delta: ChatCompletionDelta | undefined): boolean {
  if (delta === undefined || delta === null) return false;
  return (
    hasText(delta.content) ||
    hasText(delta.refusal) ||
    (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) ||
    delta['function_call'] != null ||
    // Reasoning models stream their thinking first; it is real output, so it stops the first-chunk clock.
    hasText(delta['reasoning_content']) ||
    hasText(delta['reasoning'])
  );
}

/**
 * Whether a chunk is a "first chunk" in DESIGN §3's sense: it carries a text, refusal, tool-call or
 * reasoning delta, or a `finish_reason`. The role-only chunk, empty deltas and usage-only chunks do not.
 */
export function isContentChunk(chunk: ChatCompletionChunk): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) {
    if (choice == null) continue;
    if (choice.finish_reason != null || deltaHasContent(choice.delta)) return true;
  }
  return false;
}
