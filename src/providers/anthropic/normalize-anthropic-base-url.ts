/**
 * The Messages endpoint for an `api_base`: Anthropic's docs give the origin
 * (`https://api.anthropic.com`), LiteLLM's own default is the whole endpoint
 * (`https://api.anthropic.com/v1/messages`), and gateways are often configured as `.../v1`. All
 * three name the same endpoint; anything else gets `/v1/messages` appended.
 *
 * @example
 * normalizeAnthropicBaseUrl('https://api.anthropic.com')             // 'https://api.anthropic.com/v1/messages'
 * normalizeAnthropicBaseUrl('https://gateway.example/anthropic/v1/') // 'https://gateway.example/anthropic/v1/messages'
 */
export function normalizeAnthropicBaseUrl(apiBase: string): string {
  const base = apiBase.replace(/\/+$/, '');
  if (/\/v1\/messages$/.test(base)) return base;
  if (/\/v1$/.test(base)) return `${base}/messages`;
  return `${base}/v1/messages`;
}
