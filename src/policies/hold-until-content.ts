import { type MonoTypeOperatorFunction, Observable } from 'rxjs';

/**
 * Holds values until one satisfies `isContent`, then emits the held ones and it together (in order),
 * and passes everything after straight through. If the source completes first, the held values are
 * emitted before completing; if it errors, they are dropped with it (nothing was committed).
 *
 * Used with `isContentChunk`, it makes "first chunk" mean the first chunk with content: the role-only
 * chunk and empty deltas neither stop the first-chunk clock nor commit a stream.
 */
export function holdUntilContent<T>(isContent: (value: T) => boolean): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let held: T[] | undefined = [];
      return source.subscribe({
        next: (value) => {
          if (held === undefined) {
            subscriber.next(value);
            return;
          }
          if (!isContent(value)) {
            held.push(value);
            return;
          }
          const release = held;
          held = undefined;
          for (const earlier of release) subscriber.next(earlier);
          subscriber.next(value);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          if (held !== undefined) for (const value of held) subscriber.next(value);
          subscriber.complete();
        },
      });
    });
}
