import { Observable } from 'rxjs';
import type { Usage } from '../protocol/chat.js';
import type { TextCompletion } from '../protocol/text-completion.js';
import { estimateTokens, pieces } from './mock-text.js';
import type { ProviderRequest } from './provider.js';

let nextId = 0;

function promptText(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  return Array.isArray(prompt) ? prompt.filter((item): item is string => typeof item === 'string').join(' ') : '';
}

function usageFor(request: ProviderRequest, text: string): Usage {
  const prompt_tokens = estimateTokens(promptText(request.body['prompt']));
  const completion_tokens = estimateTokens(text);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/**
 * `mock_response` as a text completion (DESIGN §9): the whole text, or streamed word by word as
 * `text_completion` pieces ending with a `finish_reason` (and a usage piece with
 * `stream_options.include_usage`). Synchronous on subscribe, so it runs in virtual time.
 */
export function mockTextCompletion$(request: ProviderRequest, text: string, now: () => number): Observable<TextCompletion> {
  return new Observable((subscriber) => {
    const base = { id: `cmpl-mock-${++nextId}`, object: 'text_completion' as const, created: Math.floor(now() / 1000), model: request.deployment.model };
    if (!request.stream) {
      subscriber.next({ ...base, choices: [{ index: 0, text, finish_reason: 'stop', logprobs: null }], usage: usageFor(request, text) });
      subscriber.complete();
      return;
    }
    const out: TextCompletion[] = pieces(text).map((piece) => ({ ...base, choices: [{ index: 0, text: piece, finish_reason: null, logprobs: null }] }));
    out.push({ ...base, choices: [{ index: 0, text: '', finish_reason: 'stop', logprobs: null }] });
    const streamOptions = request.body['stream_options'] as { include_usage?: boolean } | null | undefined;
    if (streamOptions?.include_usage === true) out.push({ ...base, choices: [], usage: usageFor(request, text) });
    for (const piece of out) {
      if (subscriber.closed) return;
      subscriber.next(piece);
    }
    subscriber.complete();
  });
}
