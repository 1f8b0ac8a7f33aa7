import type { ServerResponse } from 'node:http';
import type { ActiveRequest } from './active-requests.js';
import type { ProxyContext } from './proxy-context.js';
import { routerEventsStream, type RouterEventsStreamOptions } from './router-events-stream.js';
import { writeSseFrames } from './write-sse-frames.js';

/**
 * `GET /v1/router/events` (auth already checked): the router's events and fleet snapshots as SSE
 * until the client leaves or the proxy starts draining. Leaving unsubscribes everything at once: the
 * router's `events$` and `deployments$` lose this subscriber, its timers are cancelled.
 */
export function serveRouterEvents(
  ctx: ProxyContext,
  res: ServerResponse,
  active: ActiveRequest,
  options: Omit<RouterEventsStreamOptions, 'scheduler'> = {},
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    // no-transform: a compressing proxy in between would hold frames back to fill its blocks.
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx buffers proxied responses unless told not to.
    'x-accel-buffering': 'no',
  });
  // Headers now, so a client sees the stream open before the first frame is due.
  res.flushHeaders();
  const subscription = writeSseFrames(res, routerEventsStream(ctx.router, { ...options, scheduler: ctx.router.scheduler }));
  const stop = (): void => {
    subscription.unsubscribe();
    ctx.drainListeners.delete(endForDrain);
  };
  // A live view is not a call in flight: a graceful shutdown ends it at once rather than waiting for it.
  function endForDrain(): void {
    stop();
    res.end();
  }
  ctx.drainListeners.add(endForDrain);
  active.onClose = stop;
  active.abort = endForDrain;
}
