import { Observable } from 'rxjs';
import type { Dispatcher } from 'undici';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { CallOutput } from '../router/call-kind.js';
import { ChatExchange } from './chat-exchange.js';
import type { ProviderRequest } from './provider.js';
import type { WireFormat } from './wire-format.js';

/** `extra_headers` under the format's own headers: a configured header never replaces the provider's auth. */
function withHeaders(options: Dispatcher.DispatchOptions, extra: Readonly<Record<string, string>>): Dispatcher.DispatchOptions {
  const own = options.headers;
  if (own !== null && own !== undefined && (typeof own !== 'object' || Array.isArray(own) || Symbol.iterator in own)) return options;
  return { ...options, headers: { ...extra, ...(own as Record<string, string> | undefined) } };
}

function withExtraHeaders(
  options: Dispatcher.DispatchOptions | Promise<Dispatcher.DispatchOptions>,
  extra: Readonly<Record<string, string>>,
): Dispatcher.DispatchOptions | Promise<Dispatcher.DispatchOptions> {
  return options instanceof Promise ? options.then((ready) => withHeaders(ready, extra)) : withHeaders(options, extra);
}

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
): Observable<CallOutput> {
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
    const extraHeaders = request.deployment.extraHeaders;
    if (extraHeaders !== undefined) options = withExtraHeaders(options, extraHeaders);
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
