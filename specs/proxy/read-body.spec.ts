import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/proxy/read-body.js';
import type { RxllmError } from '../../src/errors/rxllm-error.js';

/** A request stand-in: a readable stream with the headers readBody looks at. */
function fakeRequest(headers: Record<string, string> = {}): IncomingMessage & PassThrough {
  return Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
}

function read(req: IncomingMessage, limit: number): Promise<{ error: RxllmError | undefined; body: Buffer }> {
  return new Promise((resolve) => readBody(req, limit, (error, body) => resolve({ error, body })));
}

describe('readBody', () => {
  it('gives the whole body once it ends', async () => {
    const req = fakeRequest();
    const result = read(req, 100);
    req.write('{"a":');
    req.end('1}');
    const { error, body } = await result;
    expect(error).toBeUndefined();
    expect(body.toString()).toBe('{"a":1}');
  });

  it('takes its data and end listeners off the request when the body has ended, and keeps no closure on it', async () => {
    const req = fakeRequest();
    const before = { data: req.listenerCount('data'), end: req.listenerCount('end') };
    const result = read(req, 100);
    req.end('{}');
    await result;
    expect(req.listenerCount('data')).toBe(before.data);
    expect(req.listenerCount('end')).toBe(before.end);
    // The error listener stays (an error after the body must not crash the process) and is one
    // function shared by every request, so it holds nothing of this one.
    const other = fakeRequest();
    const otherResult = read(other, 100);
    other.end('{}');
    await otherResult;
    const ours = (r: PassThrough) => r.listeners('error').at(-1);
    expect(ours(req)).toBe(ours(other));
  });

  it('answers 413 as soon as the body passes the limit, and stops listening', async () => {
    const req = fakeRequest();
    const result = read(req, 4);
    req.write('12345');
    const { error, body } = await result;
    expect(error?.status).toBe(413);
    expect(error?.code).toBe('request_too_large');
    expect(body.length).toBe(0);
    expect(req.listenerCount('data')).toBe(0);
    expect(req.listenerCount('end')).toBe(0);
  });

  it('answers 413 before reading when content-length already passes the limit', async () => {
    const req = fakeRequest({ 'content-length': '10' });
    const { error } = await read(req, 4);
    expect(error?.status).toBe(413);
    expect(req.listenerCount('data')).toBe(0);
  });

  it('survives an error on the request after the body was read', async () => {
    const req = fakeRequest();
    const result = read(req, 100);
    req.end('{}');
    await result;
    expect(() => req.emit('error', new Error('client went away'))).not.toThrow();
  });
});
