import type { IncomingMessage } from 'node:http';
import { BadRequestError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';

function tooLarge(limitBytes: number): RxllmError {
  const mb = Math.round((limitBytes / (1024 * 1024)) * 1000) / 1000;
  return new BadRequestError(`request body is larger than the limit of ${mb} MB (general_settings.max_request_size_mb)`, {
    status: 413,
    code: 'request_too_large',
  });
}

/**
 * Reads a request body of at most `limitBytes`, then calls `done` once: with the body, or with a
 * 413 error as soon as the limit is passed (a `content-length` above it fails before reading; a
 * body that grows past it stops being buffered). A request the client aborts calls nothing: its
 * response is gone anyway.
 */
export function readBody(req: IncomingMessage, limitBytes: number, done: (error: RxllmError | undefined, body: Buffer) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    done(tooLarge(limitBytes), Buffer.alloc(0));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // The listeners are taken off `req` once they are done. V8 may allocate a request's listener table
  // straight in the old generation (it did, under load: bench/README.md, "GC"), and a closure still
  // in it would keep this request's whole call alive through young-generation GCs after it ended.
  const onData = (chunk: Buffer): void => {
    size += chunk.length;
    if (size <= limitBytes) {
      chunks.push(chunk);
      return;
    }
    chunks.length = 0;
    stopReading();
    done(tooLarge(limitBytes), Buffer.alloc(0));
  };
  const onEnd = (): void => {
    stopReading();
    done(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
  };
  const stopReading = (): void => {
    req.off('data', onData);
    req.off('end', onEnd);
  };
  req.on('data', onData);
  // A client that goes away mid-body destroys `req` with an error; the response's 'close' handles it.
  req.on('error', ignoreError);
  req.on('end', onEnd);
}

/** Shared by every request: a listener that holds nothing of any request. */
function ignoreError(): void {}
