import type { RxllmError } from '../../errors/rxllm-error.js';
import type { ChatCompletionChunk, ChatCompletionChunkChoice, ChatCompletionDelta, Usage } from '../../protocol/chat.js';
import { geminiCandidateText } from './gemini-candidate-text.js';
import { geminiCompletionId, noCandidatesError } from './gemini-completion.js';
import type { GeminiResponse } from './gemini-types.js';
import { geminiUsage } from './gemini-usage.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** What one stream event comes to: a chunk, nothing (a usage-only event), or the stream's error. */
export type GeminiStreamStep =
  | { readonly kind: 'chunk'; readonly chunk: ChatCompletionChunk }
  | { readonly kind: 'none' }
  | { readonly kind: 'error'; readonly error: RxllmError };

const none: GeminiStreamStep = { kind: 'none' };

/**
 * The state machine from Gemini stream events (each a `GenerateContentResponse`) to OpenAI chunks.
 * Each event with candidates becomes one chunk with a choice per candidate; a candidate's first
 * choice carries `role: 'assistant'`; `finishReason` is mapped. The id and model come from the first
 * event. Usage is kept from the latest `usageMetadata` and sent as a last `choices: []` chunk when
 * the request asked for it (`stream_options.include_usage`), as OpenAI does.
 *
 * Gemini ends a stream by closing it (no `[DONE]`): `whole` says whether every candidate seen had
 * finished, which is how a stream cut short is told apart.
 *
 * @example
 * const state = new GeminiStreamState('gemini-2.0-flash', 1731400000, false);
 * state.next(event); // { kind: 'chunk', chunk: { choices: [{ delta: { role: 'assistant', content: 'Hel' } }] } }
 */
export class GeminiStreamState {
  private id: string | undefined;
  private usage: Usage | undefined;
  /** Per candidate index: `false` started, `true` finished. */
  private readonly candidates = new Map<number, boolean>();

  constructor(
    private model: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
  ) {}

  /** The next event (parsed JSON, not an error body). */
  next(event: GeminiResponse): GeminiStreamStep {
    if (this.id === undefined) {
      this.id = geminiCompletionId(event);
      if (typeof event.modelVersion === 'string' && event.modelVersion !== '') this.model = event.modelVersion;
    }
    this.usage = geminiUsage(event.usageMetadata) ?? this.usage;
    const candidates = Array.isArray(event.candidates) ? event.candidates : [];
    if (candidates.length === 0) {
      // Usage alone is no news; a prompt blocked before any candidate is the stream's error.
      return event.promptFeedback?.blockReason === undefined ? none : { kind: 'error', error: noCandidatesError(event) };
    }
    const choices = candidates.map((candidate, position): ChatCompletionChunkChoice => {
      const index = typeof candidate.index === 'number' ? candidate.index : position;
      const { text, thoughts } = geminiCandidateText(candidate);
      const delta: ChatCompletionDelta = this.candidates.has(index) ? {} : { role: 'assistant' };
      delta.content = text ?? '';
      if (thoughts !== undefined) delta['reasoning_content'] = thoughts;
      const finish = mapGeminiFinishReason(candidate.finishReason);
      this.candidates.set(index, finish !== null || this.candidates.get(index) === true);
      return { index, delta, finish_reason: finish, logprobs: null };
    });
    return { kind: 'chunk', chunk: this.chunk(choices) };
  }

  /** Every candidate seen has finished: the stream was whole. */
  get whole(): boolean {
    if (this.candidates.size === 0) return false;
    for (const finished of this.candidates.values()) if (!finished) return false;
    return true;
  }

  /** The last chunk, with usage, when the request asked for one and Gemini sent usage. */
  usageChunk(): ChatCompletionChunk | undefined {
    if (!this.includeUsage || this.usage === undefined) return undefined;
    const chunk = this.chunk([]);
    chunk.usage = this.usage;
    return chunk;
  }

  private chunk(choices: ChatCompletionChunkChoice[]): ChatCompletionChunk {
    return { id: this.id ?? geminiCompletionId({}), object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
  }
}
