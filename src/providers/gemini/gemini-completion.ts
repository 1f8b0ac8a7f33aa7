import { APIConnectionError, ContentPolicyViolationError } from '../../errors/error-classes.js';
import type { ChatCompletion, ChatCompletionChoice } from '../../protocol/chat.js';
import { geminiCandidateText } from './gemini-candidate-text.js';
import type { GeminiResponse } from './gemini-types.js';
import { geminiUsage } from './gemini-usage.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

let nextId = 0;

/** An id for an answer Gemini gave none (`responseId` is recent). */
export function geminiCompletionId(response: GeminiResponse): string {
  return typeof response.responseId === 'string' && response.responseId !== '' ? response.responseId : `chatcmpl-gemini-${++nextId}`;
}

/**
 * The error for a response without candidates: a prompt Gemini blocked (`promptFeedback.blockReason`)
 * is a `ContentPolicyViolationError`, so `content_policy_fallbacks` apply; anything else is unreadable.
 */
export function noCandidatesError(response: GeminiResponse): ContentPolicyViolationError | APIConnectionError {
  const reason = response.promptFeedback?.blockReason;
  if (typeof reason === 'string' && reason !== '') {
    return new ContentPolicyViolationError(`gemini blocked the prompt (blockReason ${reason})`, { status: 400 });
  }
  return new APIConnectionError('malformed upstream response: a Gemini answer without candidates');
}

/**
 * A Gemini `generateContent` answer as an OpenAI `ChatCompletion`: one choice per candidate (its text
 * parts joined; thought summaries as `reasoning_content`), the finish reason mapped, usage from
 * `usageMetadata`, `model` from `modelVersion` (else `model`), `created` the given time (Gemini
 * sends none). Throws `noCandidatesError` when there is no candidate.
 *
 * @example
 * toChatCompletion({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }] }, 'gemini-2.0-flash', 1731400000)
 */
export function toChatCompletion(response: GeminiResponse, model: string, created: number): ChatCompletion {
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  if (candidates.length === 0) throw noCandidatesError(response);
  const choices = candidates.map((candidate, position): ChatCompletionChoice => {
    const { text, thoughts } = geminiCandidateText(candidate);
    const message: ChatCompletionChoice['message'] = { role: 'assistant', content: text ?? null };
    if (thoughts !== undefined) message['reasoning_content'] = thoughts;
    return {
      index: typeof candidate.index === 'number' ? candidate.index : position,
      message,
      finish_reason: mapGeminiFinishReason(candidate.finishReason) ?? 'stop',
      logprobs: null,
    };
  });
  const completion: ChatCompletion = {
    id: geminiCompletionId(response),
    object: 'chat.completion',
    created,
    model: typeof response.modelVersion === 'string' && response.modelVersion !== '' ? response.modelVersion : model,
    choices,
  };
  const usage = geminiUsage(response.usageMetadata);
  if (usage !== undefined) completion.usage = usage;
  return completion;
}
