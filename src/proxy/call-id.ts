import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Printable ASCII without spaces: safe to echo in a header and to paste into a log search.
const usable = /^[\x21-\x7e]{1,256}$/;

/**
 * The request's `x-litellm-call-id`: the client's own, when it sent a usable one (LiteLLM honours
 * it, so a caller can stamp its traces before the call), else a fresh UUID. A value that could not
 * be echoed safely (too long, spaces, non-ASCII) is replaced rather than refused: it only correlates.
 */
export function callIdOf(headers: IncomingHttpHeaders): string {
  const sent = headers['x-litellm-call-id'];
  return typeof sent === 'string' && usable.test(sent) ? sent : randomUUID();
}
