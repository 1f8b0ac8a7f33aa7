import { describe, expect, it, vi } from 'vitest';
import { ActiveRequest, ActiveRequests } from '../../src/proxy/active-requests.js';
import { ServiceUnavailableError } from '../../src/errors/error-classes.js';

const request = () => new ActiveRequest(() => {});

describe('ActiveRequests', () => {
  it('keeps the requests in the order they came, and counts them', () => {
    const list = new ActiveRequests();
    const [a, b, c] = [request(), request(), request()];
    list.add(a);
    list.add(b);
    list.add(c);
    expect(list.size).toBe(3);
    expect(list.toArray()).toEqual([a, b, c]);
  });

  it('removes a request from the front, the middle or the back', () => {
    const list = new ActiveRequests();
    const [a, b, c, d] = [request(), request(), request(), request()];
    for (const r of [a, b, c, d]) list.add(r);
    list.delete(b);
    expect(list.toArray()).toEqual([a, c, d]);
    list.delete(a);
    expect(list.toArray()).toEqual([c, d]);
    list.delete(d);
    expect(list.toArray()).toEqual([c]);
    list.delete(c);
    expect(list.toArray()).toEqual([]);
    expect(list.size).toBe(0);
    list.add(a);
    expect(list.toArray()).toEqual([a]);
  });

  it('lets go of a removed request: no links to or from it remain', () => {
    const list = new ActiveRequests();
    const [a, b, c] = [request(), request(), request()];
    for (const r of [a, b, c]) list.add(r);
    list.delete(b);
    expect(b.previous).toBeUndefined();
    expect(b.next).toBeUndefined();
    expect(a.next).toBe(c);
    expect(c.previous).toBe(a);
  });

  it('toArray() is a copy: aborting each request may remove it while the drain walks them', () => {
    const list = new ActiveRequests();
    const aborted: string[] = [];
    const make = (name: string): ActiveRequest => {
      const r = new ActiveRequest(() => {
        aborted.push(name);
        list.delete(r);
      });
      return r;
    };
    for (const name of ['a', 'b', 'c']) list.add(make(name));
    const error = new ServiceUnavailableError('shutting down', { code: 'shutting_down' });
    for (const r of list.toArray()) r.abort(error);
    expect(aborted).toEqual(['a', 'b', 'c']);
    expect(list.size).toBe(0);
  });
});

describe('ActiveRequest.closed', () => {
  it('runs onClose once and then lets go of both closures', () => {
    const abort = vi.fn();
    const onClose = vi.fn();
    const r = new ActiveRequest(abort);
    r.onClose = onClose;
    r.closed();
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(r.onClose).toBeUndefined();
    r.abort(new ServiceUnavailableError('late', { code: 'shutting_down' }));
    expect(abort).not.toHaveBeenCalled();
    r.closed();
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
