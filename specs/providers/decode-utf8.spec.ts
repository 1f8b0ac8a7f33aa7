import { describe, expect, it } from 'vitest';
import { decodeUtf8 } from '../../src/providers/decode-utf8.js';

describe('decodeUtf8', () => {
  it('decodes as TextDecoder does: a leading byte order mark dropped, a later one kept', () => {
    const bytes = Buffer.from('\ufeff{"a":"caf\u00e9 \ufeff"}');
    expect(decodeUtf8(bytes)).toBe('{"a":"café \ufeff"}');
    expect(decodeUtf8(bytes)).toBe(new TextDecoder('utf-8').decode(bytes));
  });

  it('turns bytes that are not UTF-8 into U+FFFD, never throws', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xc3, 0x7d]);
    expect(decodeUtf8(bytes)).toBe(new TextDecoder('utf-8').decode(bytes));
    expect(decodeUtf8(bytes)).toContain('\ufffd');
  });

  it('decodes an empty body as an empty string', () => {
    expect(decodeUtf8(Buffer.alloc(0))).toBe('');
  });
});
