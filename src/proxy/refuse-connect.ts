import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { BadRequestError } from '../errors/error-classes.js';
import type { ProxyContext } from './proxy-context.js';
import { writeRawError } from './raw-error.js';
import { formatRequestLog, RequestRecord } from './request-log.js';

/**
 * The server's `connect` listener. Node hands a CONNECT request to it instead of the request
 * handler, and without one drops the connection without a word; rxllm is no forward proxy, so the
 * answer is a 405 like any other method a route does not take, logged like any request.
 */
export function refuseConnect(ctx: ProxyContext): (req: IncomingMessage, socket: Duplex) => void {
  return (req, socket) => {
    const error = new BadRequestError('CONNECT is not allowed: rxllm serves the OpenAI API, it is no forward proxy', {
      status: 405,
      code: 'method_not_allowed',
    });
    const record = new RequestRecord('CONNECT', req.url ?? '');
    record.error = error.code;
    ctx.log(formatRequestLog(record, { status: error.status, durationMs: 0, clientClosed: false }));
    writeRawError(socket, error);
  };
}
