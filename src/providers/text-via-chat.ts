import { map, type Observable, throwError } from 'rxjs';
import { BadRequestError } from '../errors/error-classes.js';
import type { ChatCompletion, ChatCompletionChunk } from '../protocol/chat.js';
import type { TextCompletion } from '../protocol/text-completion.js';
import type { CallOutput } from '../router/call-kind.js';
import type { ProviderRequest } from './provider.js';

/** The prompt of a text completion as one string, or undefined when it is tokens or several prompts. */
function singlePrompt(prompt: unknown): string | undefined {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
  return undefined;
}

/** A chat completion (whole or streamed) as the text completion it answers. */
function toText(value: CallOutput): TextCompletion {
  const chat = value as ChatCompletion | ChatCompletionChunk;
  const piece: TextCompletion = {
    id: chat.id,
    object: 'text_completion',
    created: chat.created,
    model: chat.model,
    choices: (chat.choices ?? []).map((choice) => {
      const whole = (choice as { message?: { content?: unknown } }).message;
      const content = whole !== undefined ? whole.content : (choice as { delta?: { content?: unknown } }).delta?.content;
      return { index: choice.index, text: typeof content === 'string' ? content : '', finish_reason: choice.finish_reason ?? null, logprobs: null };
    }),
  };
  if (chat.usage != null) piece.usage = chat.usage;
  return piece;
}

/**
 * A text completion at a provider that only speaks chat (DESIGN §9): the prompt goes as one user
 * message and each answer, whole or streamed, comes back as text. Every other field goes on as it
 * is, so the chat adapter names one it cannot take (or drops it with `drop_params`). Several prompts
 * or token prompts need a provider with a completions endpoint of its own: a 400 naming `prompt`.
 *
 * @example
 * textViaChat$(request, (chat) => exchange$(chat, dispatcher, now, anthropicWireFormat))
 */
export function textViaChat$(request: ProviderRequest, chat$: (request: ProviderRequest) => Observable<CallOutput>): Observable<CallOutput> {
  const { prompt, ...rest } = request.body;
  const text = singlePrompt(prompt);
  if (text === undefined) {
    return throwError(
      () =>
        new BadRequestError(
          `prompt: ${request.deployment.provider}/ deployments take one string prompt (token prompts and lists of prompts need an OpenAI-compatible deployment)`,
          { param: 'prompt', code: 'invalid_request' },
        ),
    );
  }
  const chatRequest: ProviderRequest = {
    deployment: request.deployment,
    stream: request.stream,
    kind: 'chat',
    body: { ...rest, messages: [{ role: 'user', content: text }] },
  };
  return chat$(chatRequest).pipe(map(toText));
}
