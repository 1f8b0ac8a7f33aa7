import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RouterRequest } from '../../src/protocol/chat.js';
import { parseRequest } from '../../src/router/parse-request.js';
import { Router } from '../../src/router/router.js';
import { createTestScheduler } from '../support/marbles.js';
import { deployment, failedCall, first, messages, scriptedProvider } from './support.js';

// DESIGN §5 as the router applies it to requests: wrong or missing fields are 400 with `param`, an
// unknown model group is 404 `model_not_found`. Both before any upstream call.

const config = { model_list: [deployment('g', 'd1'), deployment('other', 'o1')] };

describe('Router request validation', () => {
  it('fails with 404 model_not_found for a model that is not a model group', () => {
    const error = failedCall(config, { model: 'nope', messages });

    expect({ name: error.name, status: error.status, code: error.code, param: error.param }).toEqual({
      name: 'NotFoundError',
      status: 404,
      code: 'model_not_found',
      param: 'model',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a missing model', { model: undefined }, 'model'],
    ['an empty model', { model: '' }, 'model'],
    ['missing messages', { messages: undefined }, 'messages'],
    ['no messages', { messages: [] }, 'messages'],
    ['a message with an unknown role', { messages: [{ role: 'robot', content: 'Hi' }] }, 'messages[0].role'],
    ['a stream flag that is not a boolean', { stream: 'yes' }, 'stream'],
    ['a timeout of 0', { timeout: 0 }, 'timeout'],
    ['a negative stream_timeout', { stream_timeout: -1 }, 'stream_timeout'],
    ['a stream_idle_timeout that is not a number', { stream_idle_timeout: 'soon' }, 'stream_idle_timeout'],
    ['a fractional num_retries', { num_retries: 1.5 }, 'num_retries'],
    ['fallbacks that are not a list', { fallbacks: 'other' }, 'fallbacks'],
  ])('fails with 400 naming the param for %s', (_what, fields, param) => {
    const error = failedCall(config, { model: 'g', messages, ...fields } as RouterRequest);

    expect({ name: error.name, status: error.status, param: error.param }).toEqual({ name: 'BadRequestError', status: 400, param });
  });

  it('fails with 400 naming the item for a per-request fallback to an unknown group (plain list)', () => {
    const error = failedCall(config, { model: 'g', messages, fallbacks: ['other', 'nope'] });

    expect({ status: error.status, param: error.param }).toEqual({ status: 400, param: 'fallbacks[1]' });
  });

  it('fails with 400 naming the entry for a per-request fallback to an unknown group ({ group: [fallbacks] } entries)', () => {
    const error = failedCall(config, { model: 'g', messages, fallbacks: [{ g: ['other'] }, { other: ['nope'] }] });

    expect({ status: error.status, param: error.param }).toEqual({ status: 400, param: 'fallbacks[1].other[0]' });
  });

  it('validates when subscribed, not when completion$ is called, and makes no upstream call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(({ expectObservable }) => {
      const scripted = scriptedProvider({});
      const router = new Router(config, { random: first, provider: scripted.provider });

      const call$ = router.completion$({ model: 'g', messages: [] });

      expectObservable(call$).toBe('#', undefined, { name: 'BadRequestError', code: 'invalid_request', status: 400 });
      testScheduler.flush();
      expect(scripted.calls).toEqual([]);
    });
  });

  it('treats null extras as absent, as OpenAI treats null optional fields', async () => {
    const scripted = scriptedProvider({});
    const router = new Router(
      { model_list: [deployment('g', 'd1', { mock_response: 'ok' })], timeout: 7 },
      { random: first, provider: scripted.provider },
    );
    const infos: number[] = [];
    const outputs = await lastValueFrom(
      router
        .completion$(
          {
            model: 'g',
            messages,
            timeout: null,
            stream_timeout: null,
            num_retries: null,
            fallbacks: null,
            mock_timeout: null,
          } as unknown as RouterRequest,
          { onCommit: (info) => infos.push(info.timeoutMs) },
        )
        .pipe(toArray()),
    );
    expect(outputs).toHaveLength(1);
    expect(infos).toEqual([7_000]); // the router's timeout, not a null one
  });
});

describe("parseRequest: LiteLLM's metadata and tags", () => {
  it('keeps them on the parsed request and out of the upstream body', () => {
    const parsed = parseRequest({ model: 'g', messages: [{ role: 'user', content: 'Hi' }], metadata: { trace: 't-1' }, tags: ['team-a'] });
    expect(parsed.metadata).toEqual({ trace: 't-1' });
    expect(parsed.tags).toEqual(['team-a']);
    expect(parsed.body).not.toHaveProperty('metadata');
    expect(parsed.body).not.toHaveProperty('tags');
  });

  it('names a metadata that is no object and tags that are no list of strings', () => {
    const bad = { model: 'g', messages: [{ role: 'user' as const, content: 'Hi' }] };
    expect(() => parseRequest({ ...bad, metadata: 'x' as unknown as Record<string, unknown> })).toThrow(/metadata: expected an object/);
    expect(() => parseRequest({ ...bad, tags: [1] as unknown as string[] })).toThrow(/tags\[0\]: expected a string/);
  });
});

describe('parseRequest: bodies nested too deep', () => {
  it('refuses one past 128 levels with a 400 naming the field, for library callers too (it was a 500 stack overflow at the upstream)', async () => {
    const deep = JSON.parse(`${'['.repeat(5_000)}${']'.repeat(5_000)}`) as unknown;
    const router = new Router({ model_list: [deployment('g', 'd1')] }, { provider: scriptedProvider({}).provider });
    const error = await router.completion({ model: 'g', messages: [{ role: 'user', content: deep as string }] }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 400, param: 'messages', message: 'invalid request: messages: nested more than 128 levels deep' });
    await router.close();
  });
});
