/**
 * Collects lines and writes them with one `write` per event-loop turn. Writing to stdout is a
 * synchronous system call per write for files and pipes; under load the proxy's one log line per
 * request cost more CPU than some whole layers of the proxy, and batching makes it one call per turn.
 * `flush()` writes what is pending at once (on exit).
 *
 * @example
 * const out = batchedLines((text) => process.stdout.write(text));
 * out.line('hello'); // written at the end of this turn
 */
export function batchedLines(write: (text: string) => void): { line: (text: string) => void; flush: () => void } {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    write(text);
  };
  return {
    line: (text) => {
      pending += `${text}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
