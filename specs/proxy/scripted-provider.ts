import { Observable } from 'rxjs';
import { InternalServerError, RateLimitError } from '../../src/errors/error-classes.js';
import type { ChatCompletionChunk } from '../../src/protocol/chat.js';
import type { Provider, ProviderRequest } from '../../src/providers/provider.js';

/** One call the scripted provider received. */
export interface ScriptedCall {
  readonly model: string;
  readonly request: ProviderRequest;
  /** The router unsubscribed before the call ended (a timeout fired, or the proxy's client left). */
  unsubscribed: boolean;
}

export function chunk(content: string): ChatCompletionChunk {
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'scripted',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}

/**
 * An in-memory provider for proxy specs, by the deployment's upstream model name:
 * `partial` streams one chunk, then fails with a 500; `endless` streams one chunk, then nothing;
 * `never` never answers; `limited` fails with a 429 whose `Retry-After` is 1.2 s.
 * Every call is recorded with whether it was unsubscribed.
 */
export function scriptedProvider(): { provider: Provider; calls: ScriptedCall[] } {
  const calls: ScriptedCall[] = [];
  const provider: Provider = {
    call: (request) =>
      new Observable<ChatCompletionChunk>((subscriber) => {
        const call: ScriptedCall = { model: request.deployment.model, request, unsubscribed: false };
        calls.push(call);
        let ended = false;
        switch (call.model) {
          case 'partial':
            subscriber.next(chunk('Hello'));
            ended = true;
            subscriber.error(new InternalServerError('the upstream broke mid-stream', { code: 'upstream_broke' }));
            break;
          case 'endless':
            subscriber.next(chunk('Hello'));
            break;
          case 'limited':
            ended = true;
            subscriber.error(new RateLimitError('slow down', { retryAfter: 1.2 }));
            break;
          case 'never':
            break;
          default:
            ended = true;
            subscriber.error(new Error(`scripted provider: no script for model ${call.model}`));
        }
        return () => {
          if (!ended) call.unsubscribed = true;
        };
      }),
  };
  return { provider, calls };
}
