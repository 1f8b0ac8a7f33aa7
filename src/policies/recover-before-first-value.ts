import { Observable, Subscription } from 'rxjs';

/**
 * Subscribes to `first`; when the current source errors before it has emitted anything, `next(error,
 * switches)` names the source to continue with, or `undefined` to let the error through. Once a
 * source has emitted, its errors always go through: re-running it would repeat what the subscriber
 * already has (for a token stream, duplicate tokens). This is the commit point of DESIGN §4, shared
 * by `retryWithBackoff` and `fallback`.
 */
export function recoverBeforeFirstValue<T>(
  first: Observable<T>,
  next: (error: unknown, switches: number) => Observable<T> | undefined,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    // A container rather than one variable: a source may error synchronously while it is being
    // subscribed, and the next one must not be lost when that call returns.
    const subscriptions = new Subscription();
    let switches = 0;
    const run = (source: Observable<T>): void => {
      let emitted = false;
      subscriptions.add(
        source.subscribe({
          next: (value) => {
            emitted = true;
            subscriber.next(value);
          },
          error: (error: unknown) => {
            if (emitted || subscriber.closed) {
              subscriber.error(error);
              return;
            }
            let following: Observable<T> | undefined;
            try {
              following = next(error, switches);
            } catch (thrown) {
              subscriber.error(thrown);
              return;
            }
            if (following === undefined) {
              subscriber.error(error);
              return;
            }
            switches += 1;
            run(following);
          },
          complete: () => subscriber.complete(),
        }),
      );
    };
    run(first);
    return subscriptions;
  });
}
