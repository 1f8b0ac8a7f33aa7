import { createHash, timingSafeEqual } from 'node:crypto';

import type { IncomingHttpHeaders } from 'node:http';

/** Whether a request's headers carry the key. */
export type BearerCheck = (headers: IncomingHttpHeaders) => boolean;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The key in `Authorization: Bearer <key>`; undefined for any other scheme. */
function bearerToken(value: string): string | undefined {
  return /^Bearer[ \t]+(.*?)[ \t]*$/i.exec(value)?.[1];
}

/** A header's single value (Node joins repeated custom headers with ", "; a repeated key is no key). */
function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The headers a client may send its key in, as LiteLLM's proxy takes them: `Authorization: Bearer
 * <key>` (OpenAI's SDKs), `x-litellm-api-key: [Bearer ]<key>` (LiteLLM's own, for clients whose
 * Authorization goes elsewhere) and `api-key: <key>` (Azure OpenAI's SDKs).
 */
export function presentedKeys(headers: IncomingHttpHeaders): string[] {
  const keys: string[] = [];
  const authorization = single(headers.authorization);
  const bearer = authorization === undefined ? undefined : bearerToken(authorization);
  if (bearer !== undefined) keys.push(bearer);
  for (const name of ['x-litellm-api-key', 'api-key']) {
    const value = single(headers[name])?.trim();
    if (value !== undefined && value !== '') keys.push(bearerToken(value) ?? value);
  }
  return keys;
}

/** Whether the request sent a key at all, in any of the headers `presentedKeys` reads. */
export function sentAnyKey(headers: IncomingHttpHeaders): boolean {
  return headers.authorization !== undefined || headers['x-litellm-api-key'] !== undefined || headers['api-key'] !== undefined;
}

/**
 * A check of the key a request presents (see `presentedKeys`) against `masterKey`, in constant time:
 * both sides are hashed to equal-length digests first, so neither the key's length nor the position
 * of the first wrong character shows in the timing. Every presented key is compared, so which
 * header held it does not show either.
 *
 * @example
 * const allowed = bearerAuth('sk-1234');
 * allowed(req.headers) // true for 'Authorization: Bearer sk-1234', 'x-litellm-api-key: sk-1234', 'api-key: sk-1234'
 */
export function bearerAuth(masterKey: string): BearerCheck {
  const expected = digest(masterKey);
  return (headers) => {
    let allowed = false;
    for (const key of presentedKeys(headers)) allowed = timingSafeEqual(digest(key), expected) || allowed;
    return allowed;
  };
}
