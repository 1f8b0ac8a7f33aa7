// Embeddings run through the one call pipeline (DESIGN §9): a deployment's timeout caps each
// attempt, retries, fallbacks, cooldowns and usage apply; nothing streams.
import { describe, expect, it } from 'vitest';
import { InternalServerError } from '../../src/errors/error-classes.js';
import type { EmbeddingResponse } from '../../src/protocol/embedding.js';
import type { DeploymentState } from '../../src/deployments/deployment-state.js';
import { Router } from '../../src/router/router.js';
import { createTestScheduler, timeoutErrorShape } from '../support/marbles.js';
import { deployment, first, type Output, scriptedProvider } from './support.js';

function vectors(...embeddings: number[][]): EmbeddingResponse {
  return {
    object: 'list',
    data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model: 'test',
    usage: { prompt_tokens: 3, total_tokens: 3 },
  };
}

const answers = { v: vectors([1, 0]), w: vectors([0, 1]) };

function stateOf(router: Router, id: string): DeploymentState {
  let state: DeploymentState | undefined;
  router.deploymentState$(id).subscribe((value) => (state = value)).unsubscribe();
  if (state === undefined) throw new Error(`no state for ${id}`);
  return state;
}

describe('Router.embedding$', () => {
  it("caps each attempt with the deployment's timeout, then retries on another deployment", () => {
    createTestScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow = cold<Output>('-----v|', answers);
      const fast = cold<Output>('-w|', answers);
      const { provider } = scriptedProvider({ d1: [slow], d2: [fast] });
      const router = new Router({ model_list: [deployment('g', 'd1', { timeout: 0.003 }), deployment('g', 'd2')] }, { random: first, provider });
      expectObservable(router.embedding$({ model: 'g', input: 'hello' })).toBe('----(w|)', answers);
      expectSubscriptions(slow.subscriptions).toBe('^--!');
    });
  });

  it('falls back to another group when the group fails, and ends with the last error when all do', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const down = cold<Output>('-#', undefined, new InternalServerError('down'));
      const { provider } = scriptedProvider({ a1: [down], b1: [cold<Output>('-v|', answers)] });
      const router = new Router({ model_list: [deployment('a', 'a1'), deployment('b', 'b1')], num_retries: 0, fallbacks: [{ a: ['b'] }] }, { random: first, provider });
      expectObservable(router.embedding$({ model: 'a', input: ['x', 'y'] })).toBe('--(v|)', answers);
      expectObservable(router.embedding$({ model: 'a', input: 'x', disable_fallbacks: true })).toBe('-#', undefined, {
        name: 'InternalServerError',
        code: 'internal_server_error',
        status: 500,
      });
    });
  });

  it('mock_timeout hangs until the deadline', () => {
    createTestScheduler().run(({ expectObservable }) => {
      const router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first });
      expectObservable(router.embedding$({ model: 'g', input: 'x', mock_timeout: true, timeout: 0.02 })).toBe('20ms #', undefined, timeoutErrorShape('deadline_exceeded'));
    });
  });

  it("records the answer's tokens as the deployment's usage (tpm and usage-based routing see embeddings)", async () => {
    const testScheduler = createTestScheduler();
    let router: Router | undefined;
    let answer: Promise<EmbeddingResponse> | undefined;
    testScheduler.run(({ cold }) => {
      const { provider } = scriptedProvider({ d1: [cold<Output>('-v|', answers)] });
      router = new Router({ model_list: [deployment('g', 'd1')] }, { random: first, provider, scheduler: testScheduler });
      answer = router.embedding({ model: 'g', input: 'hello' });
    });
    await expect(answer).resolves.toMatchObject({ object: 'list', data: [{ embedding: [1, 0] }] });
    const state = stateOf(router as Router, 'd1');
    expect(state.usage.tokens).toBe(3);
    expect(state.totals).toMatchObject({ succeeded: 1, cancelled: 0 });
  });

  it('mock_response answers one deterministic unit vector per input, of `dimensions`, as floats or base64', async () => {
    const router = new Router({ model_list: [deployment('g', 'd1', { mock_response: 'any' })] });
    const one = await router.embedding({ model: 'g', input: ['alpha', 'beta'], dimensions: 4 });
    const again = await router.embedding({ model: 'g', input: ['alpha'], dimensions: 4 });
    expect(one.data).toHaveLength(2);
    const [alpha, beta] = one.data.map((item) => item.embedding as number[]);
    expect(alpha).toHaveLength(4);
    expect(again.data[0]?.embedding).toEqual(alpha);
    expect(beta).not.toEqual(alpha);
    expect(Math.hypot(...(alpha as number[]))).toBeCloseTo(1, 10);
    const base64 = await router.embedding({ model: 'g', input: 'alpha', dimensions: 4, encoding_format: 'base64' });
    const bytes = Buffer.from(base64.data[0]?.embedding as string, 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, 4))).toEqual(Array.from(new Float32Array(alpha as number[])));
    expect(one.usage?.prompt_tokens).toBeGreaterThan(0);
    await router.close();
  });

  it('names a missing input and refuses to stream', async () => {
    const router = new Router({ model_list: [deployment('g', 'd1', { mock_response: 'any' })] });
    await expect(router.embedding({ model: 'g' } as never)).rejects.toMatchObject({ status: 400, param: 'input' });
    await expect(router.embedding({ model: 'g', input: 'x', dimensions: -1 })).rejects.toMatchObject({ status: 400, param: 'dimensions' });
    const stream$ = router.embedding$({ model: 'g', input: 'x', stream: true } as never);
    await expect(new Promise((resolve, reject) => stream$.subscribe({ next: resolve, error: reject }))).rejects.toMatchObject({ status: 400, param: 'stream' });
    await router.close();
  });

  it('a chat-only provider answers an embeddings call with a clear 400, never a wrong request', async () => {
    const router = new Router(
      { model_list: [{ model_name: 'g', litellm_params: { model: 'anthropic/claude', api_key: 'sk-ant', api_base: 'http://127.0.0.1:9' } }] },
      { env: {} },
    );
    await expect(router.embedding({ model: 'g', input: 'x' })).rejects.toMatchObject({ status: 400, code: 'unsupported_endpoint' });
    await router.close();
  });
});
