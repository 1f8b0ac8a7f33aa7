// The marble-testing example from the README, kept here so that it keeps working as written.
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect, it } from 'vitest';
import { Router } from '../../src/index.js';

it('falls back to the backup when the primary never sends its first chunk', () => {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(({ expectObservable }) => {
    const router = new Router({
      model_list: [
        { model_name: 'primary', litellm_params: { model: 'openai/gpt-4o', mock_timeout: true } },
        { model_name: 'backup', litellm_params: { model: 'openai/gpt-4o-mini', mock_response: 'ok' } },
      ],
      stream_timeout: 2, // seconds: 2000 virtual ms
      num_retries: 0,
      fallbacks: [{ primary: ['backup'] }],
    });
    const text$ = router
      .completion$({ model: 'primary', messages: [{ role: 'user', content: 'hi' }], stream: true })
      .pipe(map((chunk) => chunk.choices[0]?.delta.content ?? ''));
    // The first-chunk clock fires at 2000 ms; the backup answers in the same frame.
    expectObservable(text$).toBe('2000ms (abc|)', { a: '', b: 'ok', c: '' });
  });
});
