import { describeValue } from './zod-issues.js';

/**
 * Whether `text` is an absolute http(s) URL with a host: what a provider can send requests to. The
 * WHATWG parser decides, as it does when a request is built from the deployment's `api_base`.
 *
 * @example
 * isHttpUrl('http://127.0.0.1:8000/v1') // true
 * isHttpUrl('localhost:8000')           // false: parsed as the scheme "localhost:"
 */
export function isHttpUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/** Longer values are cut: a message names a value, it need not reproduce a page of it. */
const maxShownLength = 120;

/**
 * A would-be URL as a config message may quote it: credentials (`user:password@`) and query values
 * (`?key=...`) replaced by `***`, since a base URL is where keys end up by mistake and config errors
 * go to logs. A long value with no URL punctuation at all may be a key put in the wrong field: it is
 * described as other long strings are (`a string of 51 characters`), never quoted.
 *
 * @example
 * describeUrl('https://user:sk-1@host/v1?key=sk-2') // '"https://***@host/v1?key=***"'
 */
export function describeUrl(value: unknown): string {
  if (typeof value !== 'string') return describeValue(value);
  if (!/[:/.]/.test(value) && value.length > 16) return `a string of ${value.length} characters`;
  // Userinfo: whatever precedes the last `@` of the authority (after `scheme://`, or from the start
  // when the scheme is missing, as in `user:pass@host:8000`); the authority ends at `/`, `\`, `?`, `#`.
  let shown = value.replace(/^((?:[a-z][a-z\d+.-]*:)?\/\/)?[^/\\?#]*@/i, '$1***@');
  shown = shown.replace(/([?&;][^=&#;]*=)[^&#;]*/g, '$1***');
  if (shown.length > maxShownLength) shown = `${shown.slice(0, maxShownLength)}…`;
  return JSON.stringify(shown);
}
