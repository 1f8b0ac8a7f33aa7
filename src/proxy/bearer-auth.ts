import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether a request's `Authorization` header carries the key. */
export type BearerCheck = (authorization: string | undefined) => boolean;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * A check of `Authorization: Bearer <key>` against `masterKey`, in constant time: both sides are
 * hashed to equal-length digests first, so neither the key's length nor the position of the first
 * wrong character shows in the timing.
 *
 * @example
 * const allowed = bearerAuth('sk-1234');
 * allowed(req.headers.authorization) // true for 'Bearer sk-1234'
 */
export function bearerAuth(masterKey: string): BearerCheck {
  const expected = digest(masterKey);
  return (authorization) => {
    if (authorization === undefined) return false;
    const match = /^Bearer[ \t]+(.*?)[ \t]*$/i.exec(authorization);
    if (match === null) return false;
    return timingSafeEqual(digest(match[1] ?? ''), expected);
  };
}
