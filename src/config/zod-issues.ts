import type { z } from 'zod';
import type { ConfigIssue } from '../errors/config-error.js';
import { didYouMean, nearMiss } from './near-miss.js';

/** `['model_list', 2, 'litellm_params', 'timeout']` → `model_list[2].litellm_params.timeout`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * zod's issues as `path: message` pairs, with the unknown keys of an object named one by one; when
 * `knownKeys` tells the keys an object takes, a near miss of one is named (`did you mean ...?`).
 */
export function toConfigIssues(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
  knownKeys?: (path: readonly PropertyKey[]) => Iterable<string> | undefined,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys?.(issue.path);
      for (const key of issue.keys) {
        const meant = known === undefined ? undefined : nearMiss(key, known);
        issues.push({ path: formatPath([...prefix, ...issue.path, key]), message: meant === undefined ? 'unknown setting' : didYouMean(meant) });
      }
    } else {
      issues.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
    }
  }
  return issues;
}

/** A short description of a bad value for messages: `got string "abc"` (never a long string's content). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  // Long strings are not quoted: a value read through `os.environ/NAME` may be a secret put in the
  // wrong field, and config errors are printed to logs. Short ones are quoted to help spot the typo.
  if (typeof value === 'string') return value.length > 16 ? `a string of ${value.length} characters` : `string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
