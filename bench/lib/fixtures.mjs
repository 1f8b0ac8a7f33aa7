// The payloads every benchmark uses: one chat completion, and a 20-chunk stream (a role-only chunk,
// 18 content chunks, a finish chunk), shaped as OpenAI sends them.

export const model = 'bench-model';

export const completion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the benchmark upstream, a short answer.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 },
};

function chunk(delta, finishReason = null) {
  return { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

/** `n` chunks: role-only, n − 2 content, finish. */
export function makeChunks(n = 20) {
  return [
    chunk({ role: 'assistant', content: '' }),
    ...Array.from({ length: n - 2 }, (_, i) => chunk({ content: `tok${i} ` })),
    chunk({}, 'stop'),
  ];
}

export const chunks = makeChunks(20);

/** A content chunk for streams kept open (scale benchmark). */
export const tickChunk = chunk({ content: 'tick ' });
export const roleChunk = chunks[0];
export const firstContentChunk = chunks[1];

export const messages = [{ role: 'user', content: 'Say hello in one short sentence.' }];
export const request = { model: 'bench', messages };
export const streamRequest = { model: 'bench', messages, stream: true };

/** A Router config as a production user would write it: 2 deployments, deadlines, retries, fallbacks. */
export function routerConfig(apiBase) {
  const deployment = (id, upstreamModel) => ({
    model_name: 'bench',
    litellm_params: { model: `openai/${upstreamModel}`, api_base: apiBase, api_key: 'sk-bench', timeout: 30 },
    model_info: { id },
  });
  return {
    model_list: [
      deployment('bench-a', 'bench-a'),
      deployment('bench-b', 'bench-b'),
      { model_name: 'bench-fallback', litellm_params: { model: 'openai/bench-fb', api_base: apiBase, api_key: 'sk-bench' }, model_info: { id: 'bench-fb' } },
    ],
    timeout: 60,
    stream_timeout: 10,
    num_retries: 2,
    fallbacks: [{ bench: ['bench-fallback'] }],
  };
}
