/**
 * OpenAI's `finish_reason` for Anthropic's `stop_reason`: end_turn, stop_sequence and pause_turn →
 * stop; max_tokens and model_context_window_exceeded → length; tool_use → tool_calls; refusal →
 * content_filter. A reason newer than this table is a plain stop (the answer did end); none yet is null.
 *
 * @example
 * mapAnthropicStopReason('tool_use') // 'tool_calls'
 */
export function mapAnthropicStopReason(reason: unknown): string | null {
  switch (reason) {
    case undefined:
    case null:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
