// Timeout errors speak in seconds, as the settings are written (LiteLLM's unit), whatever clock ran out.
import { NEVER, Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Router } from '../../src/router/router.js';
import { createTestScheduler } from '../support/marbles.js';
import { deployment, first, type Output, scriptedProvider } from '../router/support.js';

function messageOf(run: (router: Router) => Observable<unknown>, config: Parameters<typeof deployment>[2] = {}, routerSettings: Record<string, unknown> = {}): string {
  let message = '';
  createTestScheduler().run(() => {
    const { provider } = scriptedProvider({ d1: [NEVER as Observable<Output>] });
    const router = new Router({ model_list: [deployment('g', 'd1', config)], num_retries: 0, ...routerSettings }, { random: first, provider });
    run(router).subscribe({ error: (error: Error) => (message = error.message) });
  });
  return message;
}

const ask = { model: 'g', messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('timeout messages', () => {
  it('first chunk, attempt and deadline clocks name their limit in seconds', () => {
    expect(messageOf((router) => router.completion$({ ...ask, stream: true }), { stream_timeout: 0.3 })).toBe('no first chunk within 0.3 s');
    expect(messageOf((router) => router.completion$(ask), { timeout: 1.5 })).toBe('the attempt did not complete within 1.5 s');
    expect(messageOf((router) => router.completion$(ask), {}, { timeout: 2 })).toBe('the call did not finish within its timeout of 2 s');
  });
});
