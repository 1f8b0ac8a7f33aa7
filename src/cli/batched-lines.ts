/**
 * Collects lines and writes them with one `write` per event-loop turn. Writing to stdout is a
 * synchronous system call per write for files and pipes; under load the proxy's one log line per
 * request cost more CPU than some whole layers of the proxy, and batching makes it one call per turn.
 * `flush()` writes what is pending at once (on exit).
 *
 * `atomicBytes`: no write holds more than this many bytes unless a single line does (the batch so
 * far is written first). For `--num_workers`, whose workers all write to the primary's stdout: a
 * pipe keeps a write of up to PIPE_BUF bytes (4096 on Linux) whole, but may interleave a longer one
 * with another process's, which would cut log lines in two.
 *
 * @example
 * const out = batchedLines((text) => process.stdout.write(text));
 * out.line('hello'); // written at the end of this turn
 */
export function batchedLines(
  write: (text: string) => void,
  { atomicBytes = Infinity }: { atomicBytes?: number } = {},
): { line: (text: string) => void; flush: () => void } {
  let pending = '';
  let pendingBytes = 0;
  let scheduled = false;
  const writePending = (): void => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    pendingBytes = 0;
    write(text);
  };
  const flush = (): void => {
    scheduled = false;
    writePending();
  };
  return {
    line: (text) => {
      if (atomicBytes !== Infinity) {
        const bytes = Buffer.byteLength(text) + 1;
        if (pendingBytes + bytes > atomicBytes) writePending();
        pendingBytes += bytes;
      }
      pending += `${text}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
