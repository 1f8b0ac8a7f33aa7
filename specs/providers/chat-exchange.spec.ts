import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher, errors } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleProvider } from '../../src/providers/openai-compatible.js';
import { collect } from '../support/collect.js';
import { testDeployment } from '../support/test-deployment.js';

// What the fake upstream cannot send: informational (1xx) responses before the real one.

const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-x',
  choices: [{ index: 0, message: { role: 'assistant', content: 'after the hints' }, finish_reason: 'stop' }],
};

let server: Server | undefined;
let agent: Agent | undefined;

afterEach(async () => {
  await agent?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function upstreamWithEarlyHints(status: number, body: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('the provider after informational (1xx) responses', () => {
  it('reads the final response, not the 103 before it', async () => {
    const apiBase = await upstreamWithEarlyHints(200, JSON.stringify(completion));
    agent = new Agent();
    const provider = createOpenAICompatibleProvider({ dispatcher: agent });
    const { values, error } = await collect(
      provider.call({ deployment: testDeployment({ apiBase, model: 'gpt-x' }), body: { model: 'gpt-x', messages: [] }, stream: false }),
    );
    expect(error).toBeUndefined();
    expect(values).toEqual([completion]);
  });

  it("takes the final response's status and Retry-After for an error", async () => {
    const apiBase = await upstreamWithEarlyHints(429, JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
    agent = new Agent();
    const provider = createOpenAICompatibleProvider({ dispatcher: agent });
    const { error } = await collect(
      provider.call({ deployment: testDeployment({ apiBase, model: 'gpt-x' }), body: { model: 'gpt-x', messages: [] }, stream: false }),
    );
    expect(error).toMatchObject({ status: 429, retryAfter: 3, message: expect.stringContaining('slow down') });
  });
});

describe('cancelling an exchange', () => {
  it('aborts with stack traces off, which nobody reads but Node would format, and turns them back on', () => {
    const aborts: { limit: number; reason: unknown }[] = [];
    const controller = { abort: (reason: Error) => aborts.push({ limit: Error.stackTraceLimit, reason }) };
    const dispatcher = {
      dispatch(_options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
        handler.onRequestStart?.(controller as unknown as Dispatcher.DispatchController, {});
        return true;
      },
    } as unknown as Dispatcher;
    const provider = createOpenAICompatibleProvider({ dispatcher });
    const limit = Error.stackTraceLimit;
    const subscription = provider
      .call({ deployment: testDeployment({ apiBase: 'http://127.0.0.1:9/v1', model: 'gpt-x' }), body: { model: 'gpt-x', messages: [] }, stream: true })
      .subscribe();
    subscription.unsubscribe();
    expect(aborts).toHaveLength(1);
    expect(aborts[0]?.limit).toBe(0);
    expect(aborts[0]?.reason).toBeInstanceOf(errors.RequestAbortedError);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
