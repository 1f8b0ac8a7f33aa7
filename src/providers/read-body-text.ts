import type { Readable } from 'node:stream';

/** A body read as text, and whether it was cut at the limit (the rest is left unread). */
export interface BodyText {
  readonly text: string;
  readonly truncated: boolean;
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
      const all = Buffer.concat(buffers, length);
      resolve({ text: new TextDecoder('utf-8').decode(truncated ? all.subarray(0, limitBytes) : all), truncated });
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
