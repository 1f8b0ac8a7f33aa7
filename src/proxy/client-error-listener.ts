import type { Duplex } from 'node:stream';
import { BadRequestError, RequestTimeoutError } from '../errors/error-classes.js';
import type { RxllmError } from '../errors/rxllm-error.js';
import { formatSeconds } from '../policies/format-seconds.js';
import { withField } from './logfmt.js';
import type { ProxyContext } from './proxy-context.js';
import { closeAfterFlush, writeRawError } from './raw-error.js';
import type { ReceiveTimeouts } from './receive-timeouts.js';

/** What Node's HTTP parser reports: `code` (`HPE_INVALID_METHOD`, ...) and a fixed `reason`, never the bytes. */
interface ClientError extends Error {
  readonly code?: string;
  readonly reason?: string;
}

function limit(name: string, ms: number): string | undefined {
  return ms > 0 ? `${name} within ${formatSeconds(ms)} s` : undefined;
}

/** The answer to a request Node's parser rejected or timed out; undefined when there is no one to answer (the client left). */
function errorFor(error: ClientError, timeouts: ReceiveTimeouts): RxllmError | undefined {
  const code = error.code ?? '';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const limits = [limit('headers', timeouts.headersTimeoutMs), limit('the whole request', timeouts.requestTimeoutMs)];
    return new RequestTimeoutError(`the request was not received in time (${limits.filter(Boolean).join(', ')})`, {
      code: 'request_receive_timeout',
    });
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new BadRequestError('the request headers are too large', { status: 431, code: 'request_headers_too_large' });
  }
  if (code.startsWith('HPE_')) {
    return new BadRequestError(`malformed HTTP request (${error.reason ?? code})`, { code: 'malformed_http_request' });
  }
  return undefined;
}

/**
 * The server's `clientError` listener: a request Node's parser rejects (malformed, headers too
 * large) or that is not received within `headersTimeout` / `requestTimeout` gets an OpenAI error
 * body rather than Node's bare status line, then the connection closes. A request the proxy was
 * already handling (a body trickling in) is answered through its own response, so it is logged
 * with the 408 and leaves the in-flight registry; one whose answer is being written, or a client
 * that reset the connection, is only disconnected.
 */
export function clientErrorListener(ctx: ProxyContext, timeouts: ReceiveTimeouts): (error: Error, socket: Duplex) => void {
  return (error, socket) => {
    const answer = errorFor(error as ClientError, timeouts);
    const current = ctx.active.toArray().find((request) => request.response?.socket === socket);
    if (answer === undefined || !socket.writable) {
      socket.destroy();
      return;
    }
    if (current?.response?.headersSent === true) {
      // Answered already, and what follows does not parse (a body sent where HTTP allows none, read
      // as the next request): a whole answer still goes out before the connection ends.
      if (current.response.writableEnded) closeAfterFlush(socket);
      else socket.destroy();
      return;
    }
    if (current !== undefined) {
      current.abort(answer);
      closeAfterFlush(socket);
      return;
    }
    let line = withField('level=warn msg=client_error', 'status', answer.status);
    line = withField(line, 'error', answer.code);
    ctx.log(withField(line, 'reason', (error as ClientError).code));
    writeRawError(socket, answer);
  };
}
