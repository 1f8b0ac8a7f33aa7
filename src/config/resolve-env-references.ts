import type { ConfigIssue } from '../errors/config-error.js';
import { formatPath } from './zod-issues.js';

const prefix = 'os.environ/';

/**
 * No config is nested anywhere near this deep (LiteLLM's go 5 or 6 levels); a value that is would
 * overflow the stack of a recursive walk, so it is an issue rather than walked.
 */
export const maxConfigDepth = 64;

/**
 * Replaces every string `os.environ/NAME` in a config tree with the value of `NAME`, as LiteLLM does.
 * The tree is copied, not changed. A variable that is not set is an issue at that value's path, and
 * so is a value nested more than `maxConfigDepth` levels deep.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
  path: PropertyKey[] = [],
): unknown {
  return resolve(value, env, issues, [...path], 0);
}

// `path` is one array, pushed and popped on the way down: copying it at every level would cost the
// square of the depth.
function resolve(value: unknown, env: Readonly<Record<string, string | undefined>>, issues: ConfigIssue[], path: PropertyKey[], depth: number): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(prefix)) return value;
    const name = value.slice(prefix.length);
    const resolved = env[name];
    if (resolved === undefined) {
      issues.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return undefined;
    }
    return resolved;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= maxConfigDepth) {
    issues.push({ path: formatPath(path), message: `nested more than ${maxConfigDepth} levels deep` });
    return undefined;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      out.push(resolve(value[index], env, issues, path, depth + 1));
      path.pop();
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    path.push(key);
    // A key `__proto__` (JSON.parse and YAML make it an own key) stays a key: assigned, it would
    // replace the copy's prototype, and the schemas would read its keys as the config's own.
    Object.defineProperty(out, key, { value: resolve(item, env, issues, path, depth + 1), enumerable: true, writable: true, configurable: true });
    path.pop();
  }
  return out;
}
