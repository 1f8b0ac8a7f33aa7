import { readFileSync } from 'node:fs';

/**
 * A fixture file's text, relative to the spec that reads it.
 *
 * @example
 * const stream = fixture(new URL('./fixtures/text.sse', import.meta.url));
 */
export function fixture(url: URL): string {
  return readFileSync(url, 'utf8');
}

/**
 * A recorded SSE body cut into its events, each with its terminating blank line, so that a fake
 * upstream can send them one at a time (with delays between them, or stop after some).
 *
 * @example
 * upstream.behave('m', { kind: 'raw', pieces: sseEvents(stream).slice(0, 2), then: 'stall' });
 */
export function sseEvents(body: string): string[] {
  return body.match(/[\s\S]*?(?:\r\n\r\n|\n\n|\r\r)/g) ?? [];
}
