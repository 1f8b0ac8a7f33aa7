import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { batchedLines } from '../../src/cli/batched-lines.js';

describe('batchedLines', () => {
  it('writes the lines of one event-loop turn with one write, in order, each ending in a newline', async () => {
    const writes: string[] = [];
    const out = batchedLines((text) => writes.push(text));
    out.line('a=1');
    out.line('b=2');
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(['a=1\nb=2\n']);
    out.line('c=3');
    await nextTurn();
    expect(writes).toEqual(['a=1\nb=2\n', 'c=3\n']);
  });

  it('flush() writes what is pending at once, and nothing twice', async () => {
    const writes: string[] = [];
    const out = batchedLines((text) => writes.push(text));
    out.line('last words');
    out.flush();
    expect(writes).toEqual(['last words\n']);
    await nextTurn();
    expect(writes).toEqual(['last words\n']);
  });
});
