/**
 * How deep a request body may nest. A real one goes a few levels (a JSON schema of a tool, a
 * response_format, perhaps ten); JSON.parse takes any depth, but every recursive walk after it
 * (serialising the body for the upstream) overflows the stack a few thousand levels down, and
 * answered 500 "Maximum call stack size exceeded".
 */
export const maxBodyDepth = 128;

/**
 * The top-level field of `body` whose value nests more than `maxDepth` levels deep (the body itself
 * being level 1), or undefined. Walks with a stack of its own, so any depth is measured safely.
 *
 * @example
 * deepestField({ model: 'm', tools: [[[[]]]] }, 3) // 'tools'
 */
export function deepestField(body: Readonly<Record<string, unknown>>, maxDepth: number = maxBodyDepth): string | undefined {
  const pending: unknown[] = [];
  const depths: number[] = [];
  for (const key in body) {
    pending.push(body[key]);
    depths.push(2);
    while (pending.length > 0) {
      const value = pending.pop();
      const depth = depths.pop() as number;
      if (typeof value !== 'object' || value === null) continue;
      if (depth > maxDepth) return key;
      for (const item of Array.isArray(value) ? value : Object.values(value)) {
        if (typeof item !== 'object' || item === null) continue;
        pending.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}
