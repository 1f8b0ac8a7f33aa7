import type { ServerResponse } from 'node:http';
import type { RxllmError } from '../errors/rxllm-error.js';

/** A request being served; the drain ends it with `abort` when in-flight calls run out of time. */
export class ActiveRequest {
  /** @internal the list's links */
  previous: ActiveRequest | undefined = undefined;
  /** @internal */
  next: ActiveRequest | undefined = undefined;
  /**
   * Run first when the response closes (answered, or the client left): stops a call still running.
   * One 'close' listener per request serves both this and the log line.
   */
  onClose: (() => void) | undefined = undefined;

  constructor(
    /** Stops the call (aborting the upstream request) and ends the response with `error`. */
    public abort: (error: RxllmError) => void,
    /** The response, until it closes: the server's `clientError` listener finds a request by its socket. */
    public response: ServerResponse | undefined = undefined,
  ) {}

  /**
   * The response closed: stops a call still running, then lets go of the closures that hold the
   * call and the response, so that this object, should it outlive them in the old generation, does
   * not keep them alive through young-generation GCs.
   */
  closed(): void {
    const onClose = this.onClose;
    this.onClose = undefined;
    this.abort = alreadyClosed;
    this.response = undefined;
    onClose?.();
  }
}

function alreadyClosed(): void {}

/**
 * The requests whose response has not closed yet, for the graceful drain: a doubly linked list
 * through the requests themselves, so adding and removing one allocates nothing and leaves nothing
 * behind (a `Set` rebuilds its hash table as entries come and go). What a finished request still
 * points at matters under load: once an object has reached V8's old generation, a young-generation
 * GC treats what it points at as live until the next full GC, so a finished request's graph gets
 * copied and promoted instead of freed (bench/README.md, "GC").
 */
export class ActiveRequests {
  private first: ActiveRequest | undefined = undefined;
  private last: ActiveRequest | undefined = undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(request: ActiveRequest): void {
    request.previous = this.last;
    request.next = undefined;
    if (this.last === undefined) this.first = request;
    else this.last.next = request;
    this.last = request;
    this.count += 1;
  }

  /** Removes `request` (it must be in this list). */
  delete(request: ActiveRequest): void {
    const { previous, next } = request;
    if (previous === undefined) this.first = next;
    else previous.next = next;
    if (next === undefined) this.last = previous;
    else next.previous = previous;
    request.previous = undefined;
    request.next = undefined;
    this.count -= 1;
  }

  /** The requests now, oldest first: a copy, so that aborting them may remove them as it goes. */
  toArray(): ActiveRequest[] {
    const requests: ActiveRequest[] = [];
    for (let request = this.first; request !== undefined; request = request.next) requests.push(request);
    return requests;
  }
}
