// Gemini's FinishReason values that mean the output was withheld or cut by a safety or policy filter.
const filtered = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/**
 * OpenAI's `finish_reason` for a Gemini candidate's `finishReason`: STOP → stop, MAX_TOKENS → length,
 * the safety and policy reasons → content_filter, any other reason (OTHER, LANGUAGE, ...) → stop;
 * no reason yet (a stream's middle) → null.
 *
 * @example
 * mapGeminiFinishReason('MAX_TOKENS') // 'length'
 */
export function mapGeminiFinishReason(reason: string | undefined): string | null {
  if (reason === undefined || reason === '' || reason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (filtered.has(reason)) return 'content_filter';
  return 'stop';
}
