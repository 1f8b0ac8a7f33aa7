import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SseFrame } from '../../src/proxy/router-events-stream.js';
import { writeSseFrames } from '../../src/proxy/write-sse-frames.js';

/** A response whose socket is full whenever `full` is set: `write` then returns false, as Node's does. */
class FakeResponse extends EventEmitter {
  readonly written: string[] = [];
  full = false;
  writable = true;
  write(text: string): boolean {
    this.written.push(text);
    return !this.full;
  }
  drain(): void {
    this.full = false;
    this.emit('drain');
  }
}

const event = (name: string): SseFrame => ({ kind: 'event', text: `event: ${name}\ndata: {}\n\n` });
const snapshot = (n: number): SseFrame => ({ kind: 'snapshot', text: `event: deployments\ndata: ${n}\n\n` });
const ping: SseFrame = { kind: 'comment', text: ': ping\n\n' };

function setUp() {
  const res = new FakeResponse();
  const frames = new Subject<SseFrame>();
  const subscription = writeSseFrames(res as unknown as ServerResponse, frames);
  return { res, frames, subscription };
}

describe('writeSseFrames', () => {
  it('writes every frame while the socket keeps up', () => {
    const { res, frames } = setUp();
    for (const frame of [snapshot(1), event('retry'), ping, snapshot(2)]) frames.next(frame);
    expect(res.written).toEqual([snapshot(1).text, event('retry').text, ping.text, snapshot(2).text]);
  });

  it('once a write reports a full socket, writes nothing until drain: events are counted, snapshots keep the latest, pings go', () => {
    const { res, frames } = setUp();
    res.full = true;
    frames.next(event('attemptStarted')); // this write finds the buffer full
    for (const frame of [event('retry'), snapshot(1), ping, event('fallback'), snapshot(2), event('attemptFailed')]) frames.next(frame);
    expect(res.written).toEqual([event('attemptStarted').text]);
    res.drain();
    expect(res.written.slice(1)).toEqual(['event: dropped\ndata: {"count":3}\n\n', snapshot(2).text]);
    frames.next(event('cooldownEnded'));
    expect(res.written.at(-1)).toBe(event('cooldownEnded').text);
  });

  it('holds at most one frame however long the client stays slow', () => {
    const { res, frames } = setUp();
    res.full = true;
    for (let i = 0; i < 10_000; i += 1) frames.next(i % 2 === 0 ? event('attemptStarted') : snapshot(i));
    expect(res.written).toHaveLength(1);
    res.drain();
    expect(res.written.slice(1)).toEqual(['event: dropped\ndata: {"count":4999}\n\n', snapshot(9_999).text]);
  });

  it('when the dropped notice fills the socket again, keeps the snapshot for the next drain', () => {
    const { res, frames } = setUp();
    res.full = true;
    frames.next(event('a'));
    frames.next(event('b'));
    frames.next(snapshot(7));
    res.full = false;
    res.write = function (this: FakeResponse, text: string) {
      this.written.push(text);
      return false;
    };
    res.emit('drain');
    expect(res.written.slice(1)).toEqual(['event: dropped\ndata: {"count":1}\n\n']);
    res.emit('drain');
    expect(res.written.slice(2)).toEqual([snapshot(7).text]);
  });

  it('stops listening for drain once unsubscribed', () => {
    const { res, subscription } = setUp();
    expect(res.listenerCount('drain')).toBe(1);
    subscription.unsubscribe();
    expect(res.listenerCount('drain')).toBe(0);
  });
});
