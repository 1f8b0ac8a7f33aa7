/** Unhandled rejections and uncaught exceptions seen while watching. */
export interface UnhandledErrorWatch {
  readonly errors: readonly unknown[];
  stop(): void;
}

/**
 * Records every unhandled rejection and uncaught exception until `stop()`, so a spec can assert that
 * aborting a call left nothing dangling (vitest would report them too, but not against the spec
 * that caused them).
 *
 * @example
 * const watch = watchUnhandledErrors();
 * // ... abort calls ...
 * await settle(); watch.stop(); expect(watch.errors).toEqual([]);
 */
export function watchUnhandledErrors(): UnhandledErrorWatch {
  const errors: unknown[] = [];
  const record = (error: unknown): void => {
    errors.push(error);
  };
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  return {
    errors,
    stop() {
      process.off('unhandledRejection', record);
      process.off('uncaughtException', record);
    },
  };
}

/** Lets pending I/O callbacks, immediates and microtasks run (a few event-loop turns, no fixed sleep). */
export async function settle(turns = 5): Promise<void> {
  for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}
