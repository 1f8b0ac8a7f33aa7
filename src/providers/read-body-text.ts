import type { Readable } from 'node:stream';

/** A body read as text, and whether it was cut at the limit (the rest is left unread). */
export interface BodyText {
  readonly text: string;
  /** The bytes `text` was decoded from (cut at the limit when `truncated`). */
  readonly bytes: Buffer;
  readonly truncated: boolean;
}

/** UTF-8 as `TextDecoder` decodes it (a leading BOM dropped, bad sequences as U+FFFD), without making one per body. */
function decodeUtf8(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a response body as UTF-8 text, at most `limitBytes` of it (unbounded by default). When cut,
 * the body is paused, not destroyed: the caller's teardown decides (rxllm aborts the request, which
 * frees the socket). Rejects with the stream's error, e.g. a connection reset half-way.
 *
 * @example
 * const { text } = await readBodyText(response.body, 64 * 1024);
 */
export function readBodyText(body: Readable, limitBytes = Number.POSITIVE_INFINITY): Promise<BodyText> {
  return new Promise((resolve, reject) => {
    const buffers: Buffer[] = [];
    let length = 0;
    const finish = (truncated: boolean): void => {
      body.off('data', onData).off('end', onEnd).off('error', onError);
      const all = buffers.length === 1 ? (buffers[0] as Buffer) : Buffer.concat(buffers, length);
      const bytes = truncated ? all.subarray(0, limitBytes) : all;
      resolve({ text: decodeUtf8(bytes), bytes, truncated });
    };
    const onData = (bytes: Buffer): void => {
      buffers.push(bytes);
      length += bytes.length;
      if (length > limitBytes) {
        body.pause();
        finish(true);
      }
    };
    const onEnd = (): void => finish(false);
    const onError = (error: unknown): void => {
      body.off('data', onData).off('end', onEnd).off('error', onError);
      reject(error);
    };
    body.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
