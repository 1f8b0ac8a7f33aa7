// Helpers for the Router's marble specs: deployments in LiteLLM's shape, chunk and completion values
// for diagrams, a provider that answers each call with the next scripted Observable, and a way to
// keep the error a call ended with so that its `attempts` and counts can be checked after the run.
import { asyncScheduler, type MonoTypeOperatorFunction, type Observable, tap, throwError } from 'rxjs';
import type { DeploymentConfig, RouterConfig } from '../../src/config/router-config-schema.js';
import { RxllmError } from '../../src/errors/rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionDelta, ChatMessage, RouterRequest } from '../../src/protocol/chat.js';
import type { Provider, ProviderRequest } from '../../src/providers/provider.js';
import type { CallOutput } from '../../src/router/call-kind.js';
import { Router } from '../../src/router/router.js';
import { createTestScheduler } from '../support/marbles.js';

/** Whatever a provider may answer: chat, text-completion and embedding values. */
export type Output = CallOutput;

export const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }];

/** Picks the first candidate and takes no jitter off a backoff: every pick and wait is deterministic. */
export const first = (): number => 0;

/** A deployment of `group` with `model_info.id` = `id`; `params` are extra `litellm_params` (seconds). */
export function deployment(group: string, id: string, params: Record<string, unknown> = {}): DeploymentConfig {
  return {
    model_name: group,
    litellm_params: { model: `openai/${id}`, api_key: 'sk-test', ...params },
    model_info: { id },
  };
}

export function chunk(delta: ChatCompletionDelta, finishReason: string | null = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'test',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** r: the role-only chunk; e: an empty delta; a, b, c, d: text; f: a finish_reason. */
export const chunks = {
  r: chunk({ role: 'assistant', content: '' }),
  e: chunk({}),
  a: chunk({ content: 'a' }),
  b: chunk({ content: 'b' }),
  c: chunk({ content: 'c' }),
  d: chunk({ content: 'd' }),
  f: chunk({}, 'stop'),
};

export function completion(content: string): ChatCompletion {
  return {
    id: `chatcmpl-${content}`,
    object: 'chat.completion',
    created: 0,
    model: 'test',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  };
}

/** x, y, z: whole completions. */
export const completions = { x: completion('x'), y: completion('y'), z: completion('z') };

/** One provider call, as the scripted provider saw it. */
export interface ProviderCall {
  readonly deployment: string;
  readonly at: number;
  readonly request: ProviderRequest;
}

export interface ScriptedProvider {
  readonly provider: Provider;
  /** Every call, in order. */
  readonly calls: ProviderCall[];
  /** The ids of the deployments called, in order. */
  deploymentsCalled(): string[];
}

/**
 * A provider that answers the n-th call to a deployment with `script[id][n]` (the last one again when
 * the list is shorter). A call to a deployment without a script errors with a plain `Error`, which
 * would show in the diagram: specs never pass by accident.
 */
export function scriptedProvider(
  script: Record<string, readonly Observable<Output>[]>,
  now: () => number = () => asyncScheduler.now(),
): ScriptedProvider {
  const calls: ProviderCall[] = [];
  const counts = new Map<string, number>();
  return {
    calls,
    deploymentsCalled: () => calls.map((call) => call.deployment),
    provider: {
      call: (request) => {
        const id = request.deployment.id;
        calls.push({ deployment: id, at: now(), request });
        const answers = script[id];
        const index = counts.get(id) ?? 0;
        counts.set(id, index + 1);
        const answer = answers?.[Math.min(index, answers.length - 1)];
        return answer ?? throwError(() => new Error(`unexpected provider call to ${id}`));
      },
    },
  };
}

/** Where `keepError` puts the error a call ended with. */
export interface Kept {
  error: RxllmError | undefined;
}

/** Mirrors the source and keeps its error (which must be an `RxllmError`) in `kept`. */
export function keepError<T>(kept: Kept): MonoTypeOperatorFunction<T> {
  return tap<T>({
    error: (error: unknown) => {
      if (!(error instanceof RxllmError)) throw new Error(`expected an RxllmError, got ${String(error)}`);
      kept.error = error;
    },
  });
}

/** The error kept by `keepError`; fails the spec when the call did not error. */
export function keptError(kept: Kept): RxllmError {
  if (kept.error === undefined) throw new Error('the call did not end with an error');
  return kept.error;
}

/**
 * Runs a call that is expected to fail, in virtual time, and returns its final error. For specs about
 * which attempts a call made (`attempts`) rather than when: use mock deployments or give `provider`.
 */
export function failedCall(config: RouterConfig, request: RouterRequest, provider: Provider = scriptedProvider({}).provider): RxllmError {
  const kept: Kept = { error: undefined };
  createTestScheduler().run(() => {
    new Router(config, { random: first, provider })
      .completion$(request)
      .pipe(keepError(kept))
      .subscribe({ error: () => undefined });
  });
  return keptError(kept);
}
