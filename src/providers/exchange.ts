import { Observable } from 'rxjs';
import type { Dispatcher } from 'undici';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk } from '../protocol/chat.js';
import { ChatExchange } from './chat-exchange.js';
import type { ProviderRequest } from './provider.js';
import type { WireFormat } from './wire-format.js';

/**
 * One call as a cold Observable: `request` is translated by `format` and sent through `dispatcher`
 * on subscribe; unsubscribing aborts it at once. Whatever the format cannot translate (a field the
 * provider cannot take, an unusable deployment) fails the call as a typed error without a request.
 * A format that signs its requests asynchronously sends once the signature is ready; unsubscribing
 * before then sends nothing at all.
 */
export function exchange$(
  request: ProviderRequest,
  dispatcher: Dispatcher,
  now: () => number,
  format: WireFormat,
): Observable<ChatCompletion | ChatCompletionChunk> {
  return new Observable((subscriber) => {
    // undici's dispatch with a handler of ours (ChatExchange) rather than request(): no Readable body,
    // promise or abort signal per call, which a proxy pays for on every request.
    let options: Dispatcher.DispatchOptions | Promise<Dispatcher.DispatchOptions>;
    try {
      options = format.dispatchOptions(request);
    } catch (error) {
      subscriber.error(toRxllmError(error));
      return undefined;
    }
    const exchange = new ChatExchange(request, subscriber, now, format);
    if (options instanceof Promise) {
      options.then(
        // `closed`: unsubscribed (or failed) while the options were being made: nothing goes out.
        (ready) => {
          if (subscriber.closed) return;
          try {
            dispatcher.dispatch(ready, exchange);
          } catch (error) {
            // Thrown here, it would be an unhandled rejection rather than the call's error.
            subscriber.error(toRxllmError(error));
          }
        },
        (error: unknown) => subscriber.closed || subscriber.error(toRxllmError(error)),
      );
    } else {
      dispatcher.dispatch(options, exchange);
    }
    return () => exchange.cancel();
  });
}
