import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError } from '../errors/error-classes.js';

/**
 * Moves LiteLLM's `x-litellm-num-retries` request header into the body as `num_retries`: the
 * header outranks the body's value, as it outranks the config's (DESIGN §4 precedence: request first).
 *
 * @throws BadRequestError (400, `param` = the header's name) for anything but a whole number ≥ 0.
 */
export function applyNumRetriesHeader(headers: IncomingHttpHeaders, body: Record<string, unknown>): void {
  const raw = headers['x-litellm-num-retries'];
  if (raw === undefined) return;
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const retries = text !== undefined && /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(retries)) {
    throw new BadRequestError(`header x-litellm-num-retries: expected a whole number ≥ 0, got ${JSON.stringify(raw)}`, {
      code: 'invalid_request',
      param: 'x-litellm-num-retries',
    });
  }
  body['num_retries'] = retries;
}
