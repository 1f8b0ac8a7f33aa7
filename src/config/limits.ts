/**
 * The longest delay a timer can have: Node (like browsers) stores it in a signed 32-bit integer and
 * fires a longer one after 1 ms instead. Every duration rxllm schedules must stay within it.
 */
export const maxTimerMs = 2 ** 31 - 1;

/** `maxTimerMs` in whole seconds (24.8 days): the longest duration a config, request or header may set. */
export const maxDurationSeconds = Math.floor(maxTimerMs / 1000);
