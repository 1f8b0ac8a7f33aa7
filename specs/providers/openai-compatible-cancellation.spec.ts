import { take, timeout, TimeoutError } from 'rxjs';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDefaultAgent, defaultAgent } from '../../src/providers/default-agent.js';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import type { Provider, ProviderRequest } from '../../src/providers/provider.js';
import type { CallOutput } from '../../src/router/call-kind.js';
import { collect } from '../support/collect.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { testDeployment } from '../support/test-deployment.js';
import { waitUntil } from '../support/wait-until.js';
import { settle, watchUnhandledErrors, type UnhandledErrorWatch } from '../support/watch-unhandled-errors.js';

let upstream: FakeUpstream;
let agent: Agent;
let provider: Provider;
let unhandled: UnhandledErrorWatch;

beforeEach(async () => {
  unhandled = watchUnhandledErrors();
  upstream = await startFakeUpstream();
  agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  provider = createOpenAICompatibleProvider({ dispatcher: agent });
});

afterEach(async () => {
  await agent.destroy();
  await upstream.close();
  await settle();
  unhandled.stop();
  expect(unhandled.errors).toEqual([]);
});

function request(model: string, stream = false): ProviderRequest {
  return {
    deployment: testDeployment({ apiBase: upstream.apiBase, model, apiKey: 'sk-test' }),
    body: { model, messages: [{ role: 'user', content: 'hi' }], ...(stream ? { stream: true } : {}) },
    stream,
  };
}

type Notification = { kind: 'next'; value: CallOutput } | { kind: 'error'; error: unknown } | { kind: 'complete' };

/** Subscribes and records every notification, so a spec can prove none arrives after unsubscribe. */
function observe(source: ProviderRequest, using: Provider = provider) {
  const notifications: Notification[] = [];
  const subscription = using.call(source).subscribe({
    next: (value) => notifications.push({ kind: 'next', value }),
    error: (error: unknown) => notifications.push({ kind: 'error', error }),
    complete: () => notifications.push({ kind: 'complete' }),
  });
  return { notifications, subscription };
}

describe('createOpenAICompatibleProvider: unsubscribing aborts the upstream request', () => {
  it('closes the connection when unsubscribed before the response headers', async () => {
    upstream.behave('gpt-hang', { kind: 'hang' });
    const { notifications, subscription } = observe(request('gpt-hang'));
    await upstream.waitForRequest(0);
    subscription.unsubscribe();
    const closed = await upstream.waitForClose(0);
    expect(closed.closedByClient).toBe(true);
    await settle();
    expect(notifications).toEqual([]);
  });

  it('closes the connection when unsubscribed after the headers, before the first chunk', async () => {
    upstream.behave('gpt-silent', { kind: 'stream', cutAfter: 0, cut: 'stall' });
    const { notifications, subscription } = observe(request('gpt-silent', true));
    await upstream.waitForRequest(0);
    // Headers are flushed at once; let them reach the client so the abort happens after them.
    await settle();
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
    await settle();
    expect(notifications).toEqual([]);
  });

  it('closes the connection when unsubscribed mid-stream, and emits nothing after', async () => {
    upstream.behave('gpt-stall', { kind: 'stream', content: ['a', 'b', 'c', 'd'], delayMs: 5, cutAfter: 3, cut: 'stall' });
    const { notifications, subscription } = observe(request('gpt-stall', true));
    await waitUntil(() => notifications.length === 3, 5_000, 'three chunks');
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
    await settle();
    expect(notifications.map((notification) => notification.kind)).toEqual(['next', 'next', 'next']);
  });

  it('closes the connection when a downstream take() has what it needs from a still-running stream', async () => {
    upstream.behave('gpt-slow', { kind: 'stream', content: ['a', 'b', 'c'], delayMs: 20, cutAfter: 2, cut: 'stall' });
    const { values, completed } = await collect(provider.call(request('gpt-slow', true)).pipe(take(2)));
    expect(completed).toBe(true);
    expect(values).toHaveLength(2);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('closes the connection when a timeout operator gives up on the call', async () => {
    upstream.behave('gpt-hang', { kind: 'hang' });
    const { error } = await collect(provider.call(request('gpt-hang')).pipe(timeout({ first: 50 })));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('closes the connection when unsubscribed while a completion body is half-sent', async () => {
    upstream.behave('gpt-half', { kind: 'raw', contentType: 'application/json', pieces: ['{"id": "x", '], then: 'stall' });
    const { notifications, subscription } = observe(request('gpt-half'));
    await upstream.waitForRequest(0);
    await settle();
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
    await settle();
    expect(notifications).toEqual([]);
  });

  it('closes the connection when unsubscribed while an error body is being read', async () => {
    upstream.behave('gpt-slow-error', { kind: 'raw', status: 500, contentType: 'application/json', pieces: ['{"error": '], then: 'stall' });
    const { notifications, subscription } = observe(request('gpt-slow-error'));
    await upstream.waitForRequest(0);
    await settle();
    subscription.unsubscribe();
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
    await settle();
    expect(notifications).toEqual([]);
  });

  it('sends nothing when unsubscribed in the same tick as subscribe, and the next call still works', async () => {
    const { notifications, subscription } = observe(request('gpt-never'));
    subscription.unsubscribe();
    const next = await collect(provider.call(request('gpt-after')));
    expect(next.completed).toBe(true);
    expect(upstream.requests.map((sent) => sent.model)).toEqual(['gpt-after']);
    expect(notifications).toEqual([]);
  });

  it('survives many calls aborted at random points without an unhandled error', async () => {
    upstream.behave('gpt-drip', { kind: 'stream', content: ['a', 'b', 'c', 'd', 'e'], delayMs: 2 });
    const runs = Array.from({ length: 20 }, (_, run) => {
      const { notifications, subscription } = observe(request('gpt-drip', true));
      return waitUntil(() => notifications.length >= run % 6, 5_000, 'some chunks').then(() => {
        subscription.unsubscribe();
        return notifications.length;
      });
    });
    const counts = await Promise.all(runs);
    expect(counts.every((count, run) => count >= run % 6)).toBe(true);
    await settle();
  });
});

/**
 * Waits until `pool` holds a free socket for the upstream. undici frees a socket one event-loop turn
 * after its response ended (and a stream's body may still be draining after `[DONE]`); a call sent
 * before then opens a new connection. The wait fails if the socket was destroyed instead.
 */
function socketReturned(pool: Agent): Promise<void> {
  const origin = new URL(upstream.apiBase).origin;
  return waitUntil(() => (pool.stats[origin] as { free?: number } | undefined)?.free === 1, 5_000, 'the socket to return to the pool');
}

describe('createOpenAICompatibleProvider: keep-alive', () => {
  it('sends two sequential calls over one connection', async () => {
    await collect(provider.call(request('gpt-a')));
    await socketReturned(agent);
    await collect(provider.call(request('gpt-b')));
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.requests[1]?.connection).toBe(upstream.requests[0]?.connection);
    expect(upstream.connectionCount).toBe(1);
  });

  it('returns the socket to the pool after a stream completes at [DONE]', async () => {
    const first = await collect(provider.call(request('gpt-a', true)));
    await socketReturned(agent);
    const second = await collect(provider.call(request('gpt-b', true)));
    expect(first.completed && second.completed).toBe(true);
    expect(upstream.connectionCount).toBe(1);
  });

  it('returns the socket to the pool when the response ends a little after [DONE]', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] };
    upstream.behave('gpt-late-end', { kind: 'raw', pieces: [`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`, ': bye\n\n'], delayMs: 20 });
    const first = await collect(provider.call(request('gpt-late-end', true)));
    expect(first.completed).toBe(true);
    await socketReturned(agent);
    await collect(provider.call(request('gpt-ok')));
    expect(upstream.connectionCount).toBe(1);
  });

  it('returns the socket to the pool after a long stream (over 64 KiB) whose response ends after [DONE]', async () => {
    const event = (content: string, finish: string | null): string =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
    const body = Array.from({ length: 400 }, () => event('y'.repeat(200), null)).join('') + event('', 'stop') + 'data: [DONE]\n\n';
    expect(body.length).toBeGreaterThan(64 * 1024);
    upstream.behave('gpt-long', { kind: 'raw', pieces: [body, ': bye\n\n'], delayMs: 20 });
    const first = await collect(provider.call(request('gpt-long', true)));
    expect(first.completed).toBe(true);
    expect(first.values).toHaveLength(401);
    await socketReturned(agent);
    await collect(provider.call(request('gpt-ok')));
    expect(upstream.connectionCount).toBe(1);
  });

  it('gives the socket up when an upstream keeps the response open after [DONE]', async () => {
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] };
    upstream.behave('gpt-lingers', { kind: 'raw', pieces: [`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`], then: 'stall' });
    const { values, completed } = await collect(provider.call(request('gpt-lingers', true)));
    expect(completed).toBe(true);
    expect(values).toEqual([chunk]);
    // The call is over at [DONE]; the socket is closed after a short drain grace instead of being held.
    expect((await upstream.waitForClose(0)).closedByClient).toBe(true);
  });

  it('returns the socket to the pool after a fully read error response', async () => {
    upstream.behave('gpt-429', { kind: 'error', status: 429 });
    await collect(provider.call(request('gpt-429')));
    await socketReturned(agent);
    await collect(provider.call(request('gpt-ok')));
    expect(upstream.connectionCount).toBe(1);
  });

  it('opens a new connection after an aborted call, and the new call succeeds', async () => {
    upstream.behave('gpt-hang', { kind: 'hang' });
    const { subscription } = observe(request('gpt-hang'));
    await upstream.waitForRequest(0);
    subscription.unsubscribe();
    await upstream.waitForClose(0);
    const next = await collect(provider.call(request('gpt-ok')));
    expect(next.completed).toBe(true);
    expect(upstream.requests[1]?.connection).not.toBe(upstream.requests[0]?.connection);
  });

  it('shares the default agent when given no dispatcher, and closeDefaultAgent closes its sockets', async () => {
    const shared = createOpenAICompatibleProvider();
    await collect(shared.call(request('gpt-a')));
    await socketReturned(defaultAgent());
    await collect(createOpenAICompatibleProvider().call(request('gpt-b')));
    expect(upstream.connectionCount).toBe(1);
    expect(upstream.openConnections).toBe(1);
    await closeDefaultAgent();
    await waitUntil(() => upstream.openConnections === 0, 5_000, 'the pooled socket to close');
    // The next call opens a new default agent.
    expect((await collect(shared.call(request('gpt-c')))).completed).toBe(true);
    await closeDefaultAgent({ force: true });
  });
});
