import type { ConfigIssue } from '../errors/config-error.js';
import { formatPath } from './zod-issues.js';

const prefix = 'os.environ/';

/**
 * Replaces every string `os.environ/NAME` in a config tree with the value of `NAME`, as LiteLLM does.
 * The tree is copied, not changed. A variable that is not set is an issue at that value's path.
 */
export function resolveEnvReferences(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
  path: PropertyKey[] = [],
): unknown {
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
  if (Array.isArray(value)) {
    return value.map((item, index) => resolveEnvReferences(item, env, issues, [...path, index]));
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = resolveEnvReferences(item, env, issues, [...path, key]);
    return out;
  }
  return value;
}
