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

describe('batchedLines with atomicBytes (workers sharing one stdout pipe)', () => {
  it('never writes more than atomicBytes at once unless one line is longer; every line arrives whole, in order', async () => {
    const writes: string[] = [];
    const out = batchedLines((text) => writes.push(text), { atomicBytes: 64 });
    const lines = Array.from({ length: 40 }, (_, i) => `msg=request n=${i} model=ünïcödé ${'x'.repeat(i % 7)}`);
    for (const line of lines) out.line(line);
    out.line('y'.repeat(100));
    out.line('z=1');
    await nextTurn();
    for (const text of writes) {
      expect(text.endsWith('\n')).toBe(true);
      if (!text.startsWith('yyy')) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(64);
    }
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.join('')).toBe(`${[...lines, 'y'.repeat(100), 'z=1'].join('\n')}\n`);
  });
});
