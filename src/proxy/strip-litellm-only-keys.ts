/**
 * Request-body keys LiteLLM's proxy reads and OpenAI does not accept (an unknown key is a 400
 * there): a client's own credentials and endpoint (`api_key`, `api_base`, `base_url`,
 * `api_version`), and LiteLLM's per-key, tagging and caching controls. rxllm acts on none of them.
 */
const litellmOnlyKeys: ReadonlySet<string> = new Set(['api_key', 'api_base', 'base_url', 'api_version', 'caching', 'cache']);

/** Prefixes of LiteLLM-only keys (`user_api_key`, `user_api_key_alias`, ..., `litellm_metadata`, ...). */
const litellmOnlyPrefixes = ['user_api_key', 'litellm_'] as const;

function isLitellmOnly(key: string): boolean {
  return litellmOnlyKeys.has(key) || litellmOnlyPrefixes.some((prefix) => key.startsWith(prefix));
}

/**
 * Deletes the LiteLLM-only keys from a client's request body, so that neither a client's
 * credentials nor LiteLLM's proxy controls reach the upstream; `user` and every OpenAI field stay,
 * and so do `metadata` and `tags`, which the router reads and never forwards. Their values are
 * never read (nor logged).
 */
export function stripLitellmOnlyKeys(body: Record<string, unknown>): void {
  for (const key in body) {
    if (isLitellmOnly(key)) delete body[key];
  }
}
