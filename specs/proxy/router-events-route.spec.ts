import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../src/config/router-config-schema.js';
import type { FleetSnapshot } from '../../src/proxy/fleet-snapshot.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import type { Router } from '../../src/router/router.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { waitUntil } from '../support/wait-until.js';
import { openEventStream, type EventStreamClient, type ReceivedEvent } from './event-stream-client.js';
import { messages, postChat, startTestProxy, type TestProxy } from './test-proxy.js';

// End to end: an SSE client → proxy → Router → undici provider → fake OpenAI upstream.

const masterKey = 'sk-master-ui-0123456789';
const providerKey = 'sk-upstream-secret-77';
const auth = { authorization: `Bearer ${masterKey}` };

function config(apiBase: string): RouterConfig {
  const deployment = (id: string) => ({
    model_name: 'chat',
    litellm_params: { model: `openai/gpt-${id}`, api_base: apiBase, api_key: providerKey },
    model_info: { id },
  });
  return { model_list: [deployment('alpha'), deployment('beta')], num_retries: 0, cooldown_time: 1, routing_strategy: 'simple-shuffle' };
}

let upstream: FakeUpstream;
let agent: Agent;
let proxy: TestProxy;
const streams: EventStreamClient[] = [];

/** Whether anyone listens to the router's events (the subject behind `events$`). */
function eventsObserved(router: Router): boolean {
  return (router as unknown as { core: { events: { observed: boolean } } }).core.events.observed;
}

async function open(headers: Record<string, string> = auth): Promise<EventStreamClient> {
  const stream = await openEventStream(`${proxy.url}/v1/router/events`, headers);
  streams.push(stream);
  return stream;
}

const snapshotOf = (event: ReceivedEvent) => event.data as FleetSnapshot;
const deploymentIn = (event: ReceivedEvent, id: string) => snapshotOf(event).deployments.find((d) => d.id === id);
const isSnapshot = (event: ReceivedEvent) => event.name === 'snapshot' || event.name === 'deployments';

beforeEach(async () => {
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  proxy = await startTestProxy(config(upstream.apiBase), { masterKey, provider: createOpenAICompatibleProvider({ dispatcher: agent }) });
});

afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await proxy.close();
  await agent.destroy();
  await upstream.close();
});

describe('GET /v1/router/events', () => {
  it('needs the key like the API: 401 without one, with a wrong one, or with the key in the URL', async () => {
    for (const [path, headers] of [
      ['/v1/router/events', {}],
      ['/v1/router/events', { authorization: 'Bearer sk-wrong' }],
      [`/v1/router/events?key=${masterKey}`, {}],
    ] as const) {
      const response = await fetch(`${proxy.url}${path}`, { headers });
      expect(response.status, path).toBe(401);
      expect(((await response.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    }
    const stream = await open({ 'x-litellm-api-key': masterKey });
    expect(stream.status).toBe(200);
  });

  it('answers text/event-stream, uncached, and refuses other methods', async () => {
    const stream = await open();
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toContain('no-cache');
    const post = await fetch(`${proxy.url}/v1/router/events`, { method: 'POST', headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('starts with one snapshot of every deployment, no key in it', async () => {
    const stream = await open();
    const first = await stream.waitFor(() => true, 'the first event');
    expect(first.name).toBe('snapshot');
    expect(snapshotOf(first).deployments).toEqual([
      expect.objectContaining({ id: 'alpha', group: 'chat', provider: 'openai', model: 'gpt-alpha', apiBase: upstream.apiBase, state: 'healthy', inFlight: 0, cooldown: null }),
      expect.objectContaining({ id: 'beta', group: 'chat', model: 'gpt-beta', state: 'healthy' }),
    ]);
    expect(stream.raw()).not.toContain(providerKey);
    expect(stream.raw()).not.toContain(masterKey);
  });

  it('sends each attempt as it happens, and a deployments snapshot with its outcome', async () => {
    upstream.behave('gpt-alpha', { kind: 'answer', delayMs: 50 });
    upstream.behave('gpt-beta', { kind: 'answer', delayMs: 50 });
    const stream = await open();
    await stream.waitFor((e) => e.name === 'snapshot', 'the snapshot');
    const response = await postChat(proxy.url, { model: 'chat', messages }, auth);
    expect(response.status).toBe(200);
    const deployment = response.headers.get('x-litellm-model-id') as string;
    const started = await stream.waitFor((e) => e.name === 'attemptStarted', 'attemptStarted');
    expect(started.data).toMatchObject({ type: 'attemptStarted', group: 'chat', deployment });
    const succeeded = await stream.waitFor((e) => e.name === 'attemptSucceeded', 'attemptSucceeded');
    expect((succeeded.data as { latencyMs: number }).latencyMs).toBeGreaterThanOrEqual(40);
    const after = await stream.waitFor((e) => e.name === 'deployments' && deploymentIn(e, deployment)?.totals.succeeded === 1, 'a snapshot after the call');
    expect(deploymentIn(after, deployment)).toMatchObject({ inFlight: 0, lastMinute: { calls: 1, successes: 1, failures: 0 } });
    expect(deploymentIn(after, deployment)?.samples).toHaveLength(1);
  });

  it('throttles deployments snapshots to one per 500 ms however many calls change the state', async () => {
    const stream = await open();
    await stream.waitFor((e) => e.name === 'snapshot', 'the snapshot');
    const calls = 30;
    for (let batch = 0; batch < calls / 10; batch += 1) {
      await Promise.all(Array.from({ length: 10 }, () => postChat(proxy.url, { model: 'chat', messages }, auth).then((r) => r.text())));
    }
    // Each call changes a deployment twice (started, finished): 60 changes, far fewer snapshots.
    const last = await stream.waitFor(
      (e) => e.name === 'deployments' && snapshotOf(e).deployments.reduce((sum, d) => sum + d.totals.succeeded, 0) === calls,
      'the snapshot after the last call',
    );
    const snapshots = stream.events.filter((e) => e.name === 'deployments');
    expect(snapshots.length).toBeLessThan(2 * calls);
    const times = snapshots.map((e) => snapshotOf(e).now);
    for (let i = 1; i < times.length; i += 1) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(490);
    expect(snapshots.at(-1)).toBe(last);
  });

  it('shows a deployment cooling after the upstream starts failing, and healthy again after its cooldown', async () => {
    upstream.behave('gpt-alpha', { kind: 'error', status: 429, headers: { 'retry-after': '1' } });
    const stream = await open();
    await stream.waitFor((e) => e.name === 'snapshot', 'the snapshot');
    // Calls until one lands on alpha: simple-shuffle picks at random.
    for (let i = 0; i < 40 && !stream.events.some((e) => e.name === 'cooldownStarted'); i += 1) {
      await (await postChat(proxy.url, { model: 'chat', messages }, auth)).text();
    }
    const cooled = await stream.waitFor((e) => e.name === 'cooldownStarted', 'cooldownStarted');
    expect(cooled.data).toMatchObject({ deployment: 'alpha', group: 'chat', reason: 'rate_limit_exceeded' });
    const failed = stream.events.find((e) => e.name === 'attemptFailed');
    expect(failed?.data).toMatchObject({ deployment: 'alpha', status: 429, counted: true });
    const cooling = await stream.waitFor((e) => isSnapshot(e) && deploymentIn(e, 'alpha')?.state === 'cooling', 'a snapshot with alpha cooling');
    const cooldown = deploymentIn(cooling, 'alpha')?.cooldown;
    expect(cooldown?.reason).toBe('rate_limit_exceeded');
    expect(cooldown?.msLeft).toBeGreaterThan(0);
    expect(cooldown?.msLeft).toBeLessThanOrEqual(1_000);
    const from = stream.events.indexOf(cooling);
    await stream.waitFor((e) => e.name === 'cooldownEnded', 'cooldownEnded', 5_000, from);
    const back = await stream.waitFor((e) => isSnapshot(e) && deploymentIn(e, 'alpha')?.state !== 'cooling', 'alpha back', 5_000, from);
    expect(deploymentIn(back, 'alpha')).toMatchObject({ state: 'partial', cooldown: null });
  });

  it('sends the events a slow-starting call makes in order: started before succeeded', async () => {
    upstream.behave('gpt-alpha', { kind: 'answer', delayMs: 30 });
    upstream.behave('gpt-beta', { kind: 'answer', delayMs: 30 });
    const stream = await open();
    await stream.waitFor((e) => e.name === 'snapshot', 'the snapshot');
    await (await postChat(proxy.url, { model: 'chat', messages }, auth)).text();
    await stream.waitFor((e) => e.name === 'attemptSucceeded', 'attemptSucceeded');
    const names = stream.events.map((e) => e.name).filter((name) => name.startsWith('attempt'));
    expect(names).toEqual(['attemptStarted', 'attemptSucceeded']);
  });

  it('unsubscribes from the router when the client disconnects', async () => {
    expect(eventsObserved(proxy.router)).toBe(false);
    const stream = await open();
    await stream.waitFor((e) => e.name === 'snapshot', 'the snapshot');
    expect(eventsObserved(proxy.router)).toBe(true);
    stream.close();
    await waitUntil(() => !eventsObserved(proxy.router) && proxy.proxy.inFlight === 0, 5_000, 'the stream to let go of the router');
  });

  it('ends at once when the proxy shuts down, rather than holding the drain', async () => {
    const slowDrain = await startTestProxy(config(upstream.apiBase), { drainTimeoutMs: 60_000, provider: createOpenAICompatibleProvider({ dispatcher: agent }) });
    const stream = await openEventStream(`${slowDrain.url}/v1/router/events`);
    streams.push(stream);
    await stream.waitFor((e) => e.name === 'snapshot', 'the snapshot');
    // Held for the drain, close() would take 60 s: far beyond this spec's timeout.
    await slowDrain.close();
    await stream.ended;
    expect(eventsObserved(slowDrain.router)).toBe(false);
  });
});
