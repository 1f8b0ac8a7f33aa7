import type { Observable, Subscription } from 'rxjs';

/**
 * An Observable as an async iterable, for `for await`. Subscribes on the first `next()`, buffers what
 * arrives before it is asked for, and unsubscribes (aborting the call) when the loop breaks, throws or
 * `signal` aborts; an abort rejects with the signal's reason, as undici and fetch do.
 */
export function toAsyncIterable<T>(source: Observable<T>, signal?: AbortSignal): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  let subscription: Subscription | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;

  const settle = (): void => {
    if (waiting === undefined) return;
    const { resolve, reject } = waiting;
    if (buffer.length > 0) {
      waiting = undefined;
      resolve({ value: buffer.shift() as T, done: false });
    } else if (failure !== undefined) {
      waiting = undefined;
      const { error } = failure;
      failure = undefined; // an iterator that threw is done: later calls see the end
      reject(error);
    } else if (finished) {
      waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  };

  const stop = (): void => {
    finished = true;
    subscription?.unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  };

  function onAbort(): void {
    if (finished) return;
    stop();
    buffer.length = 0;
    failure = { error: signal?.reason };
    settle();
  }

  const start = (): void => {
    if (subscription !== undefined || finished) return;
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    subscription = source.subscribe({
      next: (value) => {
        buffer.push(value);
        settle();
      },
      error: (error: unknown) => {
        failure = { error };
        stop();
        settle();
      },
      complete: () => {
        stop();
        settle();
      },
    });
    if (finished) subscription.unsubscribe();
  };

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      start();
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        waiting = { resolve, reject };
        settle();
      });
    },
    return() {
      stop();
      buffer.length = 0;
      failure = undefined;
      // A `next()` still waiting (another consumer of the same iterator) ends too, never left pending.
      settle();
      return Promise.resolve({ value: undefined, done: true });
    },
  };
}
