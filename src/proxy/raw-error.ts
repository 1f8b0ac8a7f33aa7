import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RxllmError } from '../errors/rxllm-error.js';

/** Ends the connection once what was written has gone out: nothing more is read from a client that broke the protocol. */
export function closeAfterFlush(socket: Duplex): void {
  socket.once('finish', () => socket.destroy());
  socket.end();
}

/**
 * Answers on a bare socket, for what never became a request the server's handler sees (a request
 * Node's parser rejected, a CONNECT): the OpenAI error body with the error's status, then the
 * connection closes.
 */
export function writeRawError(socket: Duplex, error: RxllmError): void {
  const body = JSON.stringify(error.toJSON());
  socket.write(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      'content-type: application/json\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
  closeAfterFlush(socket);
}
