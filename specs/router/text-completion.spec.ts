// Text completions run through the one call pipeline (DESIGN §9): the same deadline, clocks,
// retries, fallbacks and commit point as chat, with "first content" = a non-empty text or a finish.
import { lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InternalServerError } from '../../src/errors/error-classes.js';
import type { TextCompletion } from '../../src/protocol/text-completion.js';
import { Router } from '../../src/router/router.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';
import { deployment, first, type Output, type ProviderCall, scriptedProvider } from './support.js';

function piece(text: string, finish: string | null = null): TextCompletion {
  return { id: 'cmpl-test', object: 'text_completion', created: 0, model: 'test', choices: [{ index: 0, text, finish_reason: finish }] };
}

/** e: an empty piece (not content); a, b: text; f: a finish. */
const pieces = { e: piece(''), a: piece('a'), b: piece('b'), f: piece('', 'stop') };
const whole = { x: piece('whole answer', 'stop') };

describe('Router.textCompletion$', () => {
  it('answers a non-streaming call with one text completion and completes with it', () => {
    let calls: readonly ProviderCall[] = [];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const scripted = scriptedProvider({ d1: [cold<Output>('-x|', whole)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider: scripted.provider });
      expectObservable(router.textCompletion$({ model: 'g', prompt: 'Say hi' })).toBe('-(x|)', whole);
      calls = scripted.calls;
    });
    expect(calls[0]?.request).toMatchObject({ kind: 'text_completion', stream: false, body: { model: 'd1', prompt: 'Say hi' } });
  });

  it('holds empty pieces until the first text: the first-chunk clock is not satisfied by them', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-e-----a|', pieces)], d2: [cold<Output>('-a-f|', pieces)] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')], stream_timeout: 0.004 }, { random: first, provider });
      // d1 sent only an empty piece by 4 ms: its clock fires, and d2 answers.
      expectObservable(router.textCompletion$({ model: 'g', prompt: 'Hi', stream: true })).toBe('-----a-f|', pieces);
    });
  });

  it('releases the held empty piece together with the first text', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-e-a----f|', pieces)] });
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider });
      expectObservable(router.textCompletion$({ model: 'g', prompt: 'Hi', stream: true })).toBe('---(ea)-f|', pieces);
    });
  });

  it('never retries after the first text went out: the error ends the stream (commit point)', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const failing = cold<Output>('-a-#', pieces, new InternalServerError('down'));
      const { provider } = scriptedProvider({ d1: [failing], d2: [cold<Output>('-b|', pieces)] });
      const router = new Router({ model_list: [deployment('g', 'd1'), deployment('g', 'd2')] }, { random: first, provider });
      expectObservable(router.textCompletion$({ model: 'g', prompt: 'Hi', stream: true })).toBe('-a-#', pieces, {
        name: 'InternalServerError',
        code: 'internal_server_error',
        status: 500,
      });
    });
  });

  it('mock_timeout hangs the group until the deadline; mock_testing_fallbacks lets the fallback answer', () => {
    createTestScheduler().run(({ expectObservable }) => {
      const router = new Router(
        {
          model_list: [deployment('g', 'd1'), deployment('backup', 'b1', { mock_response: 'from backup' })],
          fallbacks: [{ g: ['backup'] }],
          num_retries: 0,
        },
        { random: first },
      );
      expectObservable(router.textCompletion$({ model: 'g', prompt: 'Hi', mock_timeout: true, timeout: 0.05, disable_fallbacks: true })).toBe(
        '50ms #',
        undefined,
        timeoutErrorShape('deadline_exceeded'),
      );
      const texts = { t: 'from backup' };
      expectObservable(router.textCompletion$({ model: 'g', prompt: 'Hi', mock_testing_fallbacks: true }).pipe(map((value) => value.choices[0]?.text))).toBe(
        '(t|)',
        texts,
      );
    });
  });

  it('answers mock_response as text, streamed word by word with a finish, through textStream()', async () => {
    const router = new Router({ model_list: [deployment('g', 'd1', { mock_response: 'two words' })] });
    const seen: string[] = [];
    let finish: string | null = null;
    for await (const value of router.textStream({ model: 'g', prompt: 'Hi' })) {
      seen.push(value.choices[0]?.text ?? '');
      finish = value.choices[0]?.finish_reason ?? finish;
    }
    expect(seen.join('')).toBe('two words');
    expect(finish).toBe('stop');
    const answer = await router.textCompletion({ model: 'g', prompt: 'Hi' });
    expect(answer).toMatchObject({ object: 'text_completion', choices: [{ text: 'two words', finish_reason: 'stop' }] });
    expect(answer.usage?.completion_tokens).toBeGreaterThan(0);
    await router.close();
  });

  it('names a missing or wrong prompt, and refuses messages-only requests', async () => {
    const router = new Router({ model_list: [deployment('g', 'd1', { mock_response: 'x' })] });
    await expect(router.textCompletion({ model: 'g' } as never)).rejects.toMatchObject({ status: 400, param: 'prompt' });
    await expect(router.textCompletion({ model: 'g', prompt: { text: 'hi' } } as never)).rejects.toMatchObject({ status: 400, param: 'prompt' });
    await expect(router.textCompletion({ model: 'g', prompt: 'Hi', stream: true })).rejects.toMatchObject({ status: 400, param: 'stream' });
    expect(await lastValueFrom(router.textCompletion$({ model: 'g', prompt: ['a'] }).pipe(toArray()))).toHaveLength(1);
    await router.close();
  });
});
