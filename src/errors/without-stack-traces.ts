/**
 * Runs `make` with V8's stack traces off (`Error.stackTraceLimit` at 0), and puts the limit back:
 * for errors nobody will read the trace of, where capturing it, or formatting it later, is the cost.
 *
 * @example
 * const copy = withoutStackTraces(() => new BadRequestError(message));
 */
export function withoutStackTraces<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
