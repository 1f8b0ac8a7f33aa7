import { map, noop, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import type { FleetSnapshot } from '../../src/proxy/fleet-snapshot.js';
import { routerEventsStream, type FleetSource, type SseFrame } from '../../src/proxy/router-events-stream.js';
import { createTestScheduler, deployment, fakeDeployment, fakeState, request, routerFor } from '../routing/router-fixture.js';

/** One SSE frame's event name and data (undefined for a comment). */
function parseFrame(frame: SseFrame): { name: string; data: unknown } {
  if (frame.text.startsWith(':')) return { name: frame.text.trim(), data: undefined };
  const match = /^event: (.*)\ndata: (.*)\n\n$/.exec(frame.text);
  if (match === null) throw new Error(`not one SSE event: ${JSON.stringify(frame.text)}`);
  return { name: match[1] as string, data: JSON.parse(match[2] as string) };
}

/** `snapshot:<in flight of a>`, `deployments:<in flight of a>`, an event's type, or `: ping`. */
function describeFrame(frame: SseFrame): string {
  const { name, data } = parseFrame(frame);
  if (name === 'snapshot' || name === 'deployments') return `${name}:${(data as FleetSnapshot).deployments[0]?.inFlight}`;
  return name;
}

/** One deployment `a` whose state is `fields`. */
function statesOf(fields: Partial<DeploymentState>): ReadonlyMap<string, DeploymentState> {
  return new Map([['a', fakeState('a', fields)]]);
}

function source(deployments$: Observable<ReadonlyMap<string, DeploymentState>>, events$: Observable<{ type: string }>): FleetSource {
  return { settings: { deployments: [fakeDeployment('a')] }, deployments$, events$ };
}

const busy = (inFlight: number) => statesOf({ inFlight });

describe('routerEventsStream', () => {
  it('sends one snapshot first, then every event named by its type, event types it does not know included', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const deployments$ = cold('a', { a: busy(0) });
      const events$ = hot('  --x-y', { x: { type: 'retry' }, y: { type: 'hedgeStarted' } });
      const frames$ = routerEventsStream(source(deployments$, events$), { scheduler: testScheduler }).pipe(map(describeFrame));
      expectObservable(frames$, '^----!').toBe('S-x-y', { S: 'snapshot:0', x: 'retry', y: 'hedgeStarted' });
    });
  });

  it('passes each event on as it is: name from its type, its fields as the data', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const event = { type: 'fallback', call: 3, from: 'g1', to: 'g2', at: 2 };
      const frames$ = routerEventsStream(source(cold('a', { a: busy(0) }), hot('--e', { e: event })), { scheduler: testScheduler });
      expectObservable(frames$.pipe(map(parseFrame)), '^--!').toBe('s-e', {
        s: expect.objectContaining({ name: 'snapshot' }),
        e: { name: 'fallback', data: event },
      });
    });
  });

  it('sends state changes as deployments snapshots at most once per throttleMs, never losing the last change of a burst', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable }) => {
      // b, c and d come within one window: b goes at once, d (the latest) when the window closes; c is skipped.
      const deployments$ = cold('a-bcd 20ms e', { a: busy(0), b: busy(1), c: busy(2), d: busy(3), e: busy(4) });
      const frames$ = routerEventsStream(source(deployments$, hot('-')), { scheduler: testScheduler, throttleMs: 10 }).pipe(map(describeFrame));
      expectObservable(frames$, '^ 40ms !').toBe('S-B 9ms D 12ms E', {
        S: 'snapshot:0',
        B: 'deployments:1',
        D: 'deployments:3',
        E: 'deployments:4',
      });
    });
  });

  it('throttles to 500 ms by default', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const deployments$ = cold('a-b 100ms c 100ms d', { a: busy(0), b: busy(1), c: busy(2), d: busy(3) });
      const frames$ = routerEventsStream(source(deployments$, hot('-')), { scheduler: testScheduler }).pipe(map(describeFrame));
      expectObservable(frames$, '^ 1s !').toBe('S-B 499ms D', { S: 'snapshot:0', B: 'deployments:1', D: 'deployments:3' });
    });
  });

  it('sends a fresh snapshot every refreshMs even when nothing changed, so a cooldown\'s time left counts down', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const cooling = statesOf({ cooldownUntil: 250, cooldownReason: 'rate_limit_exceeded' });
      const frames$ = routerEventsStream(source(cold('a', { a: cooling }), hot('-')), { scheduler: testScheduler, refreshMs: 100, throttleMs: 10 });
      const left$ = frames$.pipe(
        map(parseFrame),
        map(({ name, data }) => {
          const a = (data as FleetSnapshot).deployments[0];
          return `${name} ${a?.state} ${a?.cooldown?.msLeft ?? '-'}`;
        }),
      );
      expectObservable(left$, '^ 300ms !').toBe('s 99ms r 99ms t 99ms u', {
        s: 'snapshot cooling 250',
        r: 'deployments cooling 150',
        t: 'deployments cooling 50',
        u: 'deployments healthy -',
      });
    });
  });

  it('sends a ": ping" comment every 15 s by default, between snapshots refreshed every 5 s', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ cold, hot, expectObservable }) => {
      const frames$ = routerEventsStream(source(cold('a', { a: busy(0) }), hot('-')), { scheduler: testScheduler }).pipe(map(describeFrame));
      expectObservable(frames$, '^ 30s !').toBe('S 4999ms D 4999ms D 4999ms (PD) 4996ms D 4999ms D 4999ms (PD)', {
        S: 'snapshot:0',
        D: 'deployments:0',
        P: ': ping',
      });
    });
  });

  it('lets go of events$ and deployments$ when unsubscribed', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const deployments$ = hot('a---b', { a: busy(0), b: busy(1) });
      const events$ = hot('   --x---y', { x: { type: 'retry' }, y: { type: 'retry' } });
      const frames$ = routerEventsStream(source(deployments$, events$), { scheduler: testScheduler }).pipe(map(describeFrame));
      expectObservable(frames$, '^--!').toBe('S-x', { S: 'snapshot:0', x: 'retry' });
      expectSubscriptions(deployments$.subscriptions).toBe('^--!');
      expectSubscriptions(events$.subscriptions).toBe('^--!');
    });
  });

  it('shows a real router cooling a deployment and bringing it back, in virtual time', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const router = routerFor(testScheduler, {
        cooldown_time: 2,
        num_retries: 0,
        model_list: [deployment('g', 'a', { mock_response: 'litellm.RateLimitError' }), deployment('g', 'b', { mock_response: 'ok' })],
      });
      testScheduler.schedule(() => router.completion$(request('g')).subscribe({ error: noop }), 1);
      const states$ = routerEventsStream(router, { scheduler: testScheduler, refreshMs: 60_000 }).pipe(
        map(parseFrame),
        map(({ name, data }) => {
          if (name !== 'snapshot' && name !== 'deployments') return name;
          const a = (data as FleetSnapshot).deployments.find((d) => d.id === 'a');
          return `${name} ${a?.state}${a?.cooldown ? ` ${a.cooldown.msLeft} ${a.cooldown.reason}` : ''}`;
        }),
      );
      // At 1 ms: the attempt on a starts (a snapshot goes at once), fails with 429 and cools a; the
      // snapshot of the failure waits for the throttle window (501 ms). At 2001 ms the cooldown ends.
      expectObservable(states$, '^ 3s !').toBe('s(xdafcy) 492ms e 1499ms (ng)', {
        s: 'snapshot healthy',
        x: 'callStarted',
        y: 'callFailed',
        d: 'deployments healthy',
        a: 'attemptStarted',
        f: 'attemptFailed',
        c: 'cooldownStarted',
        e: 'deployments cooling 1500 rate_limit_exceeded',
        n: 'cooldownEnded',
        g: 'deployments partial',
      });
    });
  });
});
