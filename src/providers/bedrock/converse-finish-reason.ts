const finishReasons: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  // The prompt and answer filled the context window: the answer was cut, as by max_tokens.
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/**
 * Converse's `stopReason` as OpenAI's `finish_reason`: end_turn / stop_sequence → stop, max_tokens →
 * length, tool_use → tool_calls, guardrail_intervened / content_filtered → content_filter. A reason
 * this table does not know yet still ends the answer: `stop`.
 *
 * @example
 * converseFinishReason('max_tokens') // 'length'
 */
export function converseFinishReason(stopReason: unknown): string {
  return (typeof stopReason === 'string' ? finishReasons[stopReason] : undefined) ?? 'stop';
}
