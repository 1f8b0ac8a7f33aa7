// Runs one generated `Scenario` against a real Router in virtual time (TestScheduler.run) and keeps
// everything the property specs judge: one ordered log of the router's events and of what each
// caller saw, the Promise / async-iterator outcomes (settled after the flush), the deployments'
// states at the end, and how many upstream subscriptions were left open.
import type { Observable, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import type { RouterRequest } from '../../src/protocol/chat.js';
import type { EmbeddingRouterRequest } from '../../src/protocol/embedding.js';
import type { TextRouterRequest } from '../../src/protocol/text-completion.js';
import type { CallOutput } from '../../src/router/call-kind.js';
import { Router } from '../../src/router/router.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import type { CallSpec, RequestSpec, RouterSpec, Scenario } from './scenario.js';
import { countingProvider, type Output, type UpstreamCall } from './scripted-upstream.js';

/** One line of the run's log, in the order things happened (`at` is virtual ms). */
export type LogEntry =
  | { readonly type: 'event'; readonly at: number; readonly event: RouterEvent }
  | { readonly type: 'next'; readonly at: number; readonly call: number; readonly value: Output }
  | { readonly type: 'error'; readonly at: number; readonly call: number; readonly error: unknown }
  | { readonly type: 'complete'; readonly at: number; readonly call: number }
  | { readonly type: 'unsubscribe'; readonly at: number; readonly call: number };

/** A promise's state, followed from the moment it was made (so a rejection is never unhandled). */
export type Settlement<T> =
  | { readonly status: 'pending' }
  | { readonly status: 'fulfilled'; readonly value: T }
  | { readonly status: 'rejected'; readonly reason: unknown };

export interface Tracked<T> {
  readonly state: Settlement<T>;
}

function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: { state: Settlement<T> } = { state: { status: 'pending' } };
  promise.then(
    (value) => (tracked.state = { status: 'fulfilled', value }),
    (reason: unknown) => (tracked.state = { status: 'rejected', reason }),
  );
  return tracked;
}

/**
 * Lets every promise settled in virtual time run its callbacks: a few dozen microtask turns cover
 * the longest chain here (`firstValueFrom`, then `completion()`'s `catch`, then `track`). Cheaper
 * than a macrotask per check, and a promise still pending after it was never going to settle.
 */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 32; turn += 1) await Promise.resolve();
}

/** What one call's caller saw, by API. */
export interface CallRecord {
  readonly index: number;
  readonly spec: CallSpec;
  readonly subscribedAt: number;
  /** `completion()` (`textCompletion()`, `embedding()`): its promise. */
  promise?: Tracked<CallOutput>;
  /** `stream()` (`textStream()`): the `next()` asked as it subscribed. */
  firstNext?: Tracked<IteratorResult<CallOutput>>;
  /** `stream()` (`textStream()`): every `next()` result in order, the last one `pending` if it never settled. */
  readonly iterated: Settlement<IteratorResult<CallOutput>>[];
  /** `stream()` (`textStream()`): what a `next()` asked after the end gave. */
  afterEnd?: Settlement<IteratorResult<CallOutput>>;
}

export interface Outcome {
  readonly scenario: Scenario;
  readonly log: readonly LogEntry[];
  readonly calls: readonly CallRecord[];
  /** The router's call id (on events) of each of `calls`, when the call got that far. */
  readonly routerCallIds: ReadonlyMap<number, number>;
  readonly upstreamCalls: readonly UpstreamCall[];
  readonly liveUpstream: number;
  readonly states: ReadonlyMap<string, DeploymentState>;
}

/** The scenario's router as `new Router` takes it (LiteLLM's keys, seconds). */
export function routerConfig(router: RouterSpec): RouterConfig {
  const { fallbacks, ...settings } = router.settings;
  const config: RouterConfig = {
    model_list: router.deployments.map((deployment) => ({
      model_name: deployment.group,
      litellm_params: { model: `openai/${deployment.id}`, api_key: 'sk-test', ...deployment.params },
      model_info: { id: deployment.id },
    })),
    ...settings,
  };
  if (fallbacks !== undefined) config.fallbacks = fallbacks.map((entry) => Object.fromEntries(Object.entries(entry).map(([group, targets]) => [group, [...targets]])));
  return config;
}

/** The call's overrides, as a request takes them. */
function overrides(spec: CallSpec): Omit<RequestSpec, 'fallbacks'> & { fallbacks?: string[] } {
  const { fallbacks, ...request } = spec.request;
  return { ...request, ...(fallbacks === undefined ? {} : { fallbacks: [...fallbacks] }) };
}

/** A chat call's request: one user message and the call's overrides. */
export function routerRequest(spec: CallSpec): RouterRequest {
  return { ...overrides(spec), messages: [{ role: 'user', content: 'Hi' }] };
}

/** The Router's API of each kind of call, as a caller reaches it (see `Caller`). */
interface KindApi {
  observe(): Observable<CallOutput>;
  promise(): Promise<CallOutput>;
  iterate(): AsyncIterableIterator<CallOutput>;
}

/** The call's API on `router`, by its kind: its request is one prompt / input and the call's overrides. */
function apiOf(router: Router, spec: CallSpec): KindApi {
  switch (spec.kind) {
    case 'chat': {
      const request = routerRequest(spec);
      return { observe: () => router.completion$(request), promise: () => router.completion(request), iterate: () => router.stream(request) };
    }
    case 'text_completion': {
      const request: TextRouterRequest = { ...overrides(spec), prompt: 'Say hi' };
      return { observe: () => router.textCompletion$(request), promise: () => router.textCompletion(request), iterate: () => router.textStream(request) };
    }
    case 'embedding': {
      const request: EmbeddingRouterRequest = { ...overrides(spec), input: ['a', 'b'] };
      const iterate = (): never => {
        throw new Error('embeddings do not stream: a spec bug');
      };
      return { observe: () => router.embedding$(request), promise: () => router.embedding(request), iterate };
    }
  }
}

/** A small seeded generator (mulberry32), so the router's picks and jitter replay with the case. */
function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs the scenario: builds its Router on a TestScheduler, starts each call at its time with its
 * caller, flushes virtual time, then lets promises settle and reads the iterators' buffered values.
 * Deterministic: the same scenario gives the same outcome.
 */
export async function runScenario(scenario: Scenario): Promise<Outcome> {
  const testScheduler = new TestScheduler(() => undefined);
  const log: LogEntry[] = [];
  // An attempt announces itself on events$ just before it calls the provider: the provider call
  // belongs to the call of the latest attemptStarted.
  let lastStarted: number | undefined;
  const upstream = countingProvider(scenario.router.deployments, testScheduler, () => lastStarted);
  const routerCallIds = new Map<number, number>();
  const calls: CallRecord[] = [];
  const iterators = new Map<number, AsyncIterableIterator<CallOutput>>();
  const router = new Router(routerConfig(scenario.router), {
    scheduler: testScheduler,
    provider: upstream.provider,
    random: seededRandom(scenario.seed),
  });
  // A call's first events go out while it is being subscribed: they name its router id.
  let subscribing: number | undefined;
  const known = new Set<number>();
  const events = router.events$.subscribe((event) => {
    if ('call' in event && !known.has(event.call)) {
      if (subscribing === undefined) throw new Error(`event of an unknown call outside a subscription: ${JSON.stringify(event)}`);
      known.add(event.call);
      routerCallIds.set(subscribing, event.call);
    }
    if (event.type === 'attemptStarted') lastStarted = event.call;
    log.push({ type: 'event', at: testScheduler.now(), event });
  });

  const start = (index: number, spec: CallSpec): void => {
    const record: CallRecord = { index, spec, subscribedAt: testScheduler.now(), iterated: [] };
    calls.push(record);
    const api = apiOf(router, spec);
    const caller = spec.caller;
    subscribing = index;
    switch (caller.kind) {
      case 'observe':
      case 'unsubscribe': {
        const subscription: Subscription = api.observe().subscribe({
          next: (value) => log.push({ type: 'next', at: testScheduler.now(), call: index, value }),
          error: (error: unknown) => log.push({ type: 'error', at: testScheduler.now(), call: index, error }),
          complete: () => log.push({ type: 'complete', at: testScheduler.now(), call: index }),
        });
        if (caller.kind === 'unsubscribe') {
          testScheduler.schedule(() => {
            log.push({ type: 'unsubscribe', at: testScheduler.now(), call: index });
            subscription.unsubscribe();
          }, caller.after);
        }
        break;
      }
      case 'promise':
        record.promise = track(api.promise());
        break;
      case 'drain':
      case 'break': {
        const iterator = api.iterate();
        iterators.set(index, iterator);
        // The first next() subscribes; what arrives in virtual time is buffered for the drain below.
        record.firstNext = track(iterator.next());
        if (caller.kind === 'break') {
          testScheduler.schedule(() => {
            log.push({ type: 'unsubscribe', at: testScheduler.now(), call: index });
            void iterator.return?.();
          }, caller.after);
        }
        break;
      }
    }
    subscribing = undefined;
  };

  testScheduler.run(() => {
    scenario.calls.forEach((spec, index) => testScheduler.schedule(() => start(index, spec), spec.at));
  });
  await settle();

  // Iterators: their values are buffered; read each to its end, noting a next() that never settles.
  for (const record of calls) {
    const iterator = iterators.get(record.index);
    const first = record.firstNext;
    if (iterator === undefined || first === undefined) continue;
    record.iterated.push(first.state);
    let last = first.state;
    while (last.status === 'fulfilled' && last.value.done !== true && record.iterated.length < 1000) {
      const next = track(iterator.next());
      await settle();
      last = next.state;
      record.iterated.push(last);
    }
    if (last.status !== 'pending') {
      const after = track(iterator.next());
      await settle();
      record.afterEnd = after.state;
    }
  }

  let states: ReadonlyMap<string, DeploymentState> = new Map();
  router.deployments$.subscribe((snapshot) => (states = snapshot)).unsubscribe();
  events.unsubscribe();
  await router.close();
  return { scenario, log, calls, routerCallIds, upstreamCalls: upstream.calls, liveUpstream: upstream.live(), states };
}
