import { Observable, type Subscription } from 'rxjs';

/**
 * Subscribes to `first`; when the current source errors before it has emitted anything, `next(error,
 * switches)` names the source to continue with, or `undefined` to let the error through. Once a
 * source has emitted, its errors always go through: re-running it would repeat what the subscriber
 * already has (for a token stream, duplicate tokens). This is the commit point of DESIGN §4, shared
 * by `retryWithBackoff` and `fallback`.
 *
 * As with `catchError` and `retry`, a failed source is torn down before the next one is subscribed,
 * so two attempts never overlap (a deployment's in-flight count never sees both).
 */
export function recoverBeforeFirstValue<T>(
  first: Observable<T>,
  next: (error: unknown, switches: number) => Observable<T> | undefined,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let switches = 0;
    let current: Subscription | undefined;

    // The source to continue with after `error`; undefined when the error (or next's own) went out.
    const replacementFor = (error: unknown): Observable<T> | undefined => {
      let following: Observable<T> | undefined;
      try {
        following = next(error, switches);
      } catch (thrown) {
        subscriber.error(thrown);
        return undefined;
      }
      if (following === undefined) {
        subscriber.error(error);
        return undefined;
      }
      switches += 1;
      return following;
    };

    const run = (source: Observable<T>): void => {
      // A source that fails while it is being subscribed leaves its replacement here, to be subscribed
      // once that subscribe call has returned (and so has torn the source down): in a loop, not ever
      // deeper recursion.
      let pending: Observable<T> | undefined = source;
      while (pending !== undefined && !subscriber.closed) {
        const attempt: Observable<T> = pending;
        pending = undefined;
        let emitted = false;
        let subscribing = true;
        const subscription = attempt.subscribe({
          next: (value) => {
            emitted = true;
            subscriber.next(value);
          },
          error: (error: unknown) => {
            if (emitted || subscriber.closed) {
              subscriber.error(error);
              return;
            }
            const replacement = replacementFor(error);
            if (replacement === undefined) return;
            if (subscribing) {
              pending = replacement;
              return;
            }
            current?.unsubscribe();
            run(replacement);
          },
          complete: () => subscriber.complete(),
        });
        subscribing = false;
        if (pending !== undefined) continue;
        current = subscription;
        // The subscriber may have gone while this source was being subscribed (it emitted at once and
        // the subscriber took what it needed): its teardown ran too early to see this subscription.
        if (subscriber.closed) subscription.unsubscribe();
      }
    };

    run(first);
    return () => current?.unsubscribe();
  });
}
