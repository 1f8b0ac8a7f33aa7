import type { ServerResponse } from 'node:http';
import type { Observable, Subscription } from 'rxjs';
import type { SseFrame } from './router-events-stream.js';

/**
 * Writes `frames$` to `res` without ever buffering more than one frame past a full socket. Once
 * `res.write` returns false (the client reads slower than the router talks), nothing more is
 * written until 'drain': meanwhile events are dropped and counted, snapshots coalesce to the latest
 * one, and pings are skipped. On 'drain' the client gets one `dropped` event (`{"count": n}`) and
 * the latest snapshot, which carries every deployment's state as of now, so what it missed is only
 * the event list's detail, never the fleet's state. Memory per client stays bounded however slow it is.
 *
 * Returns the subscription; unsubscribing it stops writing (the caller ends the response).
 */
export function writeSseFrames(res: ServerResponse, frames$: Observable<SseFrame>): Subscription {
  let congested = false;
  let dropped = 0;
  let pendingSnapshot: string | undefined;

  const write = (text: string): void => {
    if (!res.writable) return;
    congested = !res.write(text);
  };

  const onDrain = (): void => {
    congested = false;
    if (dropped > 0) {
      const count = dropped;
      dropped = 0;
      write(`event: dropped\ndata: ${JSON.stringify({ count })}\n\n`);
    }
    if (pendingSnapshot !== undefined && !congested) {
      const text = pendingSnapshot;
      pendingSnapshot = undefined;
      write(text);
    }
  };
  res.on('drain', onDrain);

  const subscription = frames$.subscribe((frame) => {
    if (!congested) return write(frame.text);
    if (frame.kind === 'event') dropped += 1;
    else if (frame.kind === 'snapshot') pendingSnapshot = frame.text;
  });
  subscription.add(() => res.off('drain', onDrain));
  return subscription;
}
