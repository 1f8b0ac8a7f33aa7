import { firstValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { Provider } from '../../src/providers/provider.js';
import { Router } from '../../src/router/router.js';
import { collect } from '../support/collect.js';
import { completion, deployment, first, messages } from './support.js';

// A provider is user code: one that throws instead of returning an Observable must still end the
// attempt (reported to its deployment, so no in-flight slot leaks) and end the call in a typed error.

function throwingFor(ids: readonly string[]): Provider & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    call: (request) => {
      calls.push(request.deployment.id);
      if (ids.includes(request.deployment.id)) throw new Error('provider bug: no Observable');
      return of(completion('from ' + request.deployment.id));
    },
  };
}

describe('a provider that throws synchronously', () => {
  it('ends the call in a typed error that records the attempt, and frees the deployment', async () => {
    const provider = throwingFor(['a']);
    const router = new Router({ model_list: [deployment('chat', 'a')], num_retries: 0 }, { provider, env: {}, random: first });
    const { error } = await collect(router.completion$({ model: 'chat', messages }));
    expect(error).toBeInstanceOf(RxllmError);
    expect((error as RxllmError).attempts).toHaveLength(1);
    expect((error as RxllmError).attempts[0]).toMatchObject({ deployment: 'a', group: 'chat' });
    const state = await firstValueFrom(router.deploymentState$('a'));
    expect(state.inFlight).toBe(0);
    expect(state.totals).toMatchObject({ started: 1, failed: 1 });
    await router.close();
  });

  it('is retried on another deployment like any failed attempt', async () => {
    const provider = throwingFor(['a']);
    const router = new Router(
      { model_list: [deployment('chat', 'a'), deployment('chat', 'b')], num_retries: 1 },
      { provider, env: {}, random: first },
    );
    const answer = await router.completion({ model: 'chat', messages });
    expect(answer.choices[0]?.message.content).toBe('from b');
    expect(provider.calls).toEqual(['a', 'b']);
    expect((await firstValueFrom(router.deploymentState$('a'))).inFlight).toBe(0);
    await router.close();
  });
});
