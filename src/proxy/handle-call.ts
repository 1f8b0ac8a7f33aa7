import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { type Observable, Subscription } from 'rxjs';
import { APIConnectionError, BadRequestError } from '../errors/error-classes.js';
import { RxllmError } from '../errors/rxllm-error.js';
import { toRxllmError } from '../errors/to-rxllm-error.js';
import type { RouterRequest } from '../protocol/chat.js';
import type { EmbeddingRouterRequest } from '../protocol/embedding.js';
import type { TextRouterRequest } from '../protocol/text-completion.js';
import type { CallKindName, CallOutput } from '../router/call-kind.js';
import type { Router } from '../router/router.js';
import { upstreamJsonOf } from '../providers/upstream-json.js';
import type { CallInfo } from '../router/router-events.js';
import { applyNumRetriesHeader } from './apply-num-retries-header.js';
import { applyTimeoutHeaders } from './apply-timeout-headers.js';
import { effectiveTimeoutMs, headerTimeoutMs } from './effective-timeout-ms.js';
import { callHeaders, errorHeaders, untriedHeaders } from './litellm-headers.js';
import type { ActiveRequest } from './active-requests.js';
import type { ProxyContext } from './proxy-context.js';
import { readBody } from './read-body.js';
import type { RequestRecord } from './request-log.js';
import { stripLitellmOnlyKeys } from './strip-litellm-only-keys.js';
import { writeError } from './write-error.js';

const sseHeaders: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // Reverse proxies (nginx) must pass each event on at once rather than buffer the stream.
  'x-accel-buffering': 'no',
};

const done = 'data: [DONE]\n\n';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A body answered with a 400 before the router sees it, and the deadline its headers report. */
class RejectedBody {
  constructor(
    readonly error: RxllmError,
    readonly timeoutMs: number,
  ) {}
}

/** The request body as a JSON object with the timeout headers merged in, or the 400 to answer with. */
function parseBody(req: IncomingMessage, buffer: Buffer, routerTimeoutMs: number): Record<string, unknown> | RejectedBody {
  let body: unknown;
  try {
    body = JSON.parse(buffer.toString('utf8'));
  } catch (error) {
    const invalid = new BadRequestError(`the request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
    return new RejectedBody(invalid, headerTimeoutMs(req.headers, routerTimeoutMs));
  }
  if (!isObject(body)) {
    const invalid = new BadRequestError('the request body must be a JSON object', { code: 'invalid_request' });
    return new RejectedBody(invalid, headerTimeoutMs(req.headers, routerTimeoutMs));
  }
  try {
    applyTimeoutHeaders(req.headers, body);
    applyNumRetriesHeader(req.headers, body);
  } catch (error) {
    return new RejectedBody(toRxllmError(error), effectiveTimeoutMs(body, routerTimeoutMs));
  }
  return body;
}

/** The router's call of `kind` for a request body. */
function callOf(router: Router, kind: CallKindName, body: Record<string, unknown>, onCommit: (info: CallInfo) => void): Observable<CallOutput> {
  switch (kind) {
    case 'chat':
      return router.completion$(body as RouterRequest, { onCommit });
    case 'text_completion':
      return router.textCompletion$(body as TextRouterRequest, { onCommit });
    case 'embedding':
      return router.embedding$(body as EmbeddingRouterRequest, { onCommit });
  }
}

/**
 * `POST /v1/chat/completions`, `/v1/completions` and `/v1/embeddings` (the `kind` of call, DESIGN
 * §9): reads the body (size-limited), merges the `x-litellm-*` timeout
 * headers in, and runs the call through the router. JSON answers are written whole; streams are
 * written as SSE, with the status line and headers sent only when the first chunk is ready, so a
 * call that fails before it still gets a proper error status. A stream that fails after it ends
 * with one `data: {"error": ...}` event and no `[DONE]`. The client closing the connection
 * unsubscribes the call at once, which aborts the upstream request.
 */
export function handleCall(
  ctx: ProxyContext,
  req: IncomingMessage,
  res: ServerResponse,
  record: RequestRecord,
  active: ActiveRequest,
  kind: CallKindName,
): void {
  // Until the call runs, a drain that runs out of time refuses it as any chat request: with the headers.
  active.abort = (error) => {
    record.error = error.code;
    writeError(res, error, errorHeaders(error, headerTimeoutMs(req.headers, ctx.router.settings.timeoutMs), record));
  };
  readBody(req, ctx.maxRequestSizeBytes, (tooLarge, buffer) => {
    if (res.writableEnded || res.destroyed) return; // aborted by a drain, or the client left
    if (tooLarge !== undefined) {
      // Stop reading: the rest of the body is not wanted, and the connection ends after the answer.
      res.setHeader('connection', 'close');
      record.error = tooLarge.code;
      writeError(res, tooLarge, errorHeaders(tooLarge, headerTimeoutMs(req.headers, ctx.router.settings.timeoutMs), record));
      return;
    }
    const body = parseBody(req, buffer, ctx.router.settings.timeoutMs);
    if (body instanceof RejectedBody) {
      record.error = body.error.code;
      writeError(res, body.error, errorHeaders(body.error, body.timeoutMs, record));
      return;
    }
    stripLitellmOnlyKeys(body);
    record.model = typeof body['model'] === 'string' ? body['model'] : undefined;
    record.stream = body['stream'] === true;
    runCall(ctx, res, body, record, active, kind);
  });
}

function runCall(
  ctx: ProxyContext,
  res: ServerResponse,
  body: Record<string, unknown>,
  record: RequestRecord,
  active: ActiveRequest,
  kind: CallKindName,
): void {
  const stream = record.stream === true;
  const timeoutMs = effectiveTimeoutMs(body, ctx.router.settings.timeoutMs);
  const subscription = new Subscription();
  let info: CallInfo | undefined;

  const fail = (error: RxllmError): void => {
    record.error = error.code;
    // An error that knows nothing of the call (the drain's abort) keeps what the commit told.
    if (info === undefined || error.attempts.length > 0) {
      record.attempts = error.attempts.length;
      record.retries = error.numRetries ?? 0;
      record.fallbacks = error.attemptedFallbacks ?? 0;
    }
    record.deployment ??= error.attempts[error.attempts.length - 1]?.deployment;
    if (res.writableEnded || res.destroyed) return;
    if (!res.headersSent) {
      writeError(res, error, errorHeaders(error, timeoutMs, record, ctx.apiBases));
      return;
    }
    // Committed: the status line is out, so the error travels as an event, and no [DONE] follows.
    res.end(`data: ${JSON.stringify(error.toJSON())}\n\n`);
  };

  const onCommit = (committed: CallInfo): void => {
    info = committed;
    record.deployment = committed.deployment;
    record.retries = committed.attemptedRetries;
    record.fallbacks = committed.attemptedFallbacks;
    record.attempts = committed.attempts;
    if (stream) res.writeHead(200, { ...sseHeaders, ...callHeaders(committed, record, ctx.apiBases) });
  };

  active.abort = (error) => {
    subscription.unsubscribe();
    fail(error);
  };
  // Set before subscribing: the client may leave at any point, even during a sync answer.
  active.onClose = () => subscription.unsubscribe();

  const call$ = callOf(ctx.router, kind, body, onCommit);
  subscription.add(
    call$.subscribe({
      next: stream
        ? (chunk: CallOutput) => {
            res.write(`data: ${upstreamJsonOf(chunk) ?? JSON.stringify(chunk)}\n\n`);
          }
        : (completion: CallOutput) => {
            // The upstream's bytes when the completion is theirs unchanged: no second serialisation.
            const json = upstreamJsonOf(completion) ?? JSON.stringify(completion);
            const headers = info === undefined ? {} : callHeaders(info, record, ctx.apiBases);
            headers['content-type'] = 'application/json';
            headers['content-length'] = typeof json === 'string' ? Buffer.byteLength(json) : json.length;
            res.writeHead(200, headers);
            res.end(json);
          },
      error: (error: unknown) => fail(toRxllmError(error)),
      complete: () => {
        if (res.writableEnded || res.destroyed) return;
        if (!stream) {
          fail(new APIConnectionError('the call completed without an answer', { code: 'empty_response' }));
          return;
        }
        // An answer of nothing but [DONE]: the router tells onCommit at completion, which wrote the
        // headers; should it not have, they still go out, from what the proxy knows.
        if (!res.headersSent) res.writeHead(200, { ...sseHeaders, ...(info === undefined ? untriedHeaders(timeoutMs, record) : callHeaders(info, record, ctx.apiBases)) });
        res.end(done);
      },
    }),
  );
}
