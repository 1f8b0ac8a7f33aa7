// LiteLLM settings that a LiteLLM config.yaml may carry but that rxllm does not act on (caching,
// logging callbacks, budgets, guardrails, ...). A config that has them still loads: each one
// becomes a startup warning naming it, so nobody believes a setting works when it does not.

/**
 * LiteLLM settings a letter or two from a key rxllm uses (`callbacks` / `fallbacks`): LiteLLM's own,
 * so ignored with a warning like the others, never taken for a typo.
 */
export const litellmLookalikes: ReadonlySet<string> = new Set(['callbacks']);

/**
 * `litellm_settings` keys rxllm maps onto the Router; every other key there is ignored (with a
 * warning), unless it is a near miss of one of these (`request_timout`): that is an error.
 */
export const usedLitellmSettings: Readonly<Record<string, string>> = {
  num_retries: 'num_retries',
  request_timeout: 'timeout',
  fallbacks: 'fallbacks',
  context_window_fallbacks: 'context_window_fallbacks',
  content_policy_fallbacks: 'content_policy_fallbacks',
  default_fallbacks: 'default_fallbacks',
  allowed_fails: 'allowed_fails',
  cooldown_time: 'cooldown_time',
  drop_params: 'drop_params',
};

/** `general_settings` keys rxllm reads; every other key there is ignored (with a warning), near misses fail. */
export const usedGeneralSettings: ReadonlySet<string> = new Set([
  'master_key',
  'max_request_size_mb',
  'background_health_checks',
  'health_check_interval',
]);

/** The top-level sections of a config.yaml rxllm reads; other sections are ignored (with a warning), near misses fail. */
export const usedSections: ReadonlySet<string> = new Set([
  'model_list',
  'router_settings',
  'litellm_settings',
  'general_settings',
  'environment_variables',
]);

/**
 * Keyword arguments of LiteLLM's `Router(...)` that rxllm accepts in `router_settings` and ignores.
 * Any other unknown key in `router_settings` is an error (a misspelt `stream_timeout` must not
 * silently keep the default).
 */
export const ignoredRouterSettings: ReadonlySet<string> = new Set([
  'alerting_config',
  'assistants_config',
  'cache_kwargs',
  'cache_responses',
  'caching_groups',
  'client_ttl',
  'debug_level',
  'default_litellm_params',
  'default_max_parallel_requests',
  'default_priority',
  'enable_loadbalancing_on_batch_endpoints',
  'enable_pre_call_checks',
  'enable_tag_filtering',
  'guardrail_list',
  'ignore_invalid_deployments',
  'optional_pre_call_checks',
  'polling_interval',
  'provider_budget_config',
  'router_general_settings',
  'search_tools',
  'set_verbose',
  'tag_filtering_match_any',
]);
