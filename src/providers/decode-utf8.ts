/**
 * UTF-8 bytes as text, as `TextDecoder` decodes them (a leading byte order mark dropped, bad sequences
 * as U+FFFD), without making a decoder per body.
 *
 * @example
 * decodeUtf8(Buffer.from('\ufeff{"a":1}')) // '{"a":1}'
 */
export function decodeUtf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
