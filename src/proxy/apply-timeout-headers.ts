import type { IncomingHttpHeaders } from 'node:http';
import { maxDurationSeconds } from '../config/limits.js';
import { BadRequestError } from '../errors/error-classes.js';
import { positiveSeconds } from './positive-seconds.js';

const timeoutHeaders = [
  ['x-litellm-timeout', 'timeout'],
  ['x-litellm-stream-timeout', 'stream_timeout'],
] as const;

/**
 * Moves the `x-litellm-timeout` and `x-litellm-stream-timeout` headers (seconds) into the request
 * body as `timeout` and `stream_timeout`. When the body sets one too, the smaller wins; a body value
 * that is not a valid number of seconds is kept, so the router reports it with its `param`.
 *
 * @throws BadRequestError (400, `param` = the header's name) for a header that is not a positive number,
 * or is longer than `maxDurationSeconds`.
 */
export function applyTimeoutHeaders(headers: IncomingHttpHeaders, body: Record<string, unknown>): void {
  for (const [header, key] of timeoutHeaders) {
    const raw = headers[header];
    if (raw === undefined) continue;
    const fromHeader = positiveSeconds(raw);
    if (fromHeader === undefined) {
      throw new BadRequestError(`header ${header}: expected a positive number of seconds, got ${JSON.stringify(raw)}`, {
        code: 'invalid_request',
        param: header,
      });
    }
    if (fromHeader > maxDurationSeconds) {
      // A longer timer would fire after 1 ms: the same bound the body and the config have.
      throw new BadRequestError(
        `header ${header}: expected at most ${maxDurationSeconds} seconds (24.8 days, the longest timer Node can set), got ${JSON.stringify(raw)}`,
        { code: 'invalid_request', param: header },
      );
    }
    const current = body[key];
    if (current === undefined || current === null) {
      body[key] = fromHeader;
      continue;
    }
    const fromBody = positiveSeconds(current);
    if (fromBody !== undefined) body[key] = Math.min(fromBody, fromHeader);
  }
}
