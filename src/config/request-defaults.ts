/**
 * The OpenAI request fields a deployment's `litellm_params` may set for every call to it, as LiteLLM
 * sends them (`temperature: 0.2` on a deployment applies to each call there). A request's own value
 * wins over the deployment's.
 */
export const requestDefaultKeys: ReadonlySet<string> = new Set([
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'n',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'response_format',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'user',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'dimensions',
  'encoding_format',
]);

/**
 * The request fields `params` sets for every call, with `extra_body`'s fields merged in (LiteLLM's
 * key for provider fields OpenAI's SDK does not name); undefined when there are none, so that a
 * deployment without defaults costs its calls nothing.
 */
export function requestDefaults(params: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  let defaults: Record<string, unknown> | undefined;
  for (const key of Object.keys(params)) {
    if (!requestDefaultKeys.has(key) || params[key] === undefined) continue;
    defaults ??= {};
    defaults[key] = params[key];
  }
  const extraBody = params['extra_body'];
  if (typeof extraBody === 'object' && extraBody !== null && !Array.isArray(extraBody)) defaults = { ...defaults, ...(extraBody as Record<string, unknown>) };
  return defaults;
}
