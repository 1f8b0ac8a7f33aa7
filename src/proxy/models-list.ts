/** OpenAI's `GET /v1/models` list. */
export interface ModelsList {
  object: 'list';
  data: { id: string; object: 'model'; created: number; owned_by: string }[];
}

/**
 * The model groups as OpenAI's model list, so `client.models.list()` shows what can be asked for.
 * `created` is when the proxy started (Unix seconds); there is no per-model date to report.
 *
 * @example
 * modelsList(['gpt-4o', 'claude'], 1_700_000_000).data[0] // { id: 'gpt-4o', object: 'model', created: 1700000000, owned_by: 'rxllm' }
 */
export function modelsList(groups: readonly string[], created: number): ModelsList {
  return { object: 'list', data: groups.map((id) => ({ id, object: 'model', created, owned_by: 'rxllm' })) };
}
