import {
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  UnprocessableEntityError,
} from '../errors/error-classes.js';
import type { FallbackEntry } from '../protocol/chat.js';

/** The fallback lists in force for one call (the request's `fallbacks` replace the router's). */
export interface FallbackLists {
  readonly fallbacks: readonly FallbackEntry[];
  readonly defaultFallbacks: readonly string[];
  readonly contextWindowFallbacks: readonly FallbackEntry[];
  readonly contentPolicyFallbacks: readonly FallbackEntry[];
}

/** The targets a list gives `group`: its own entry first, else the `"*"` entry. */
export function lookupFallbacks(list: readonly FallbackEntry[], group: string): readonly string[] | undefined {
  let wildcard: readonly string[] | undefined;
  for (const entry of list) {
    const own = entry[group];
    if (own !== undefined) return own;
    wildcard ??= entry['*'];
  }
  return wildcard;
}

/**
 * The groups to fall back to, in order, when `group` failed with `error` (DESIGN §4):
 * a context-window error uses `context_window_fallbacks` (else the general lists); a content-policy
 * error only `content_policy_fallbacks` (a fallback meant for outages must not route around a
 * provider's refusal); any other 400 or a 422 none (the request itself is wrong); everything else
 * `fallbacks`, else `default_fallbacks`. The group itself is never a target.
 */
export function fallbackTargets(group: string, error: unknown, lists: FallbackLists): readonly string[] {
  let targets: readonly string[] | undefined;
  if (error instanceof ContentPolicyViolationError) {
    targets = lookupFallbacks(lists.contentPolicyFallbacks, group);
  } else if (error instanceof ContextWindowExceededError) {
    targets = lookupFallbacks(lists.contextWindowFallbacks, group) ?? generalFallbacks(group, lists);
  } else if (error instanceof BadRequestError || error instanceof UnprocessableEntityError) {
    targets = undefined;
  } else {
    targets = generalFallbacks(group, lists);
  }
  return (targets ?? []).filter((target) => target !== group);
}

function generalFallbacks(group: string, lists: FallbackLists): readonly string[] | undefined {
  return lookupFallbacks(lists.fallbacks, group) ?? (lists.defaultFallbacks.length > 0 ? lists.defaultFallbacks : undefined);
}

/** Whether a context-window or content-policy error has a list of its own for `group`. */
export function hasSpecificFallbacks(group: string, error: unknown, lists: FallbackLists): boolean {
  if (error instanceof ContentPolicyViolationError) return (lookupFallbacks(lists.contentPolicyFallbacks, group) ?? []).length > 0;
  if (error instanceof ContextWindowExceededError) return (lookupFallbacks(lists.contextWindowFallbacks, group) ?? []).length > 0;
  return false;
}
