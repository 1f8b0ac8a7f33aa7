import { catchError, map, type Observable, of, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { DeploymentConfig, RouterConfig } from '../../src/config/router-config-schema.js';
import type { Deployment } from '../../src/config/router-settings.js';
import { testDeployment } from '../support/test-deployment.js';
import { type DeploymentState, initialDeploymentState } from '../../src/deployments/deployment-state.js';
import type { ChatCompletion, ChatCompletionChunk, RouterRequest } from '../../src/protocol/chat.js';
import type { Provider, ProviderRequest } from '../../src/providers/provider.js';
import { Router } from '../../src/router/router.js';
import type { RouterEvent } from '../../src/router/router-events.js';
import type { RoutingContext } from '../../src/routing/routing-strategy.js';

// Helpers for specs that drive a real Router in virtual time. Kept next to the routing and
// deployment specs so that they depend on nothing but src/.

/** A TestScheduler that asserts with vitest's deep equality. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

/** A deployment of `group` with `model_info.id` = `id`, answered by the injected provider unless `params` mock it. */
export function deployment(group: string, id: string, params: Partial<DeploymentConfig['litellm_params']> = {}): DeploymentConfig {
  return { model_name: group, litellm_params: { model: `openai/${id}`, api_key: 'sk-test', ...params }, model_info: { id } };
}

/** A provider whose answer is chosen by the deployment's id (`model_info.id`). */
export function providerBy(answers: Readonly<Record<string, (request: ProviderRequest) => Observable<ChatCompletion | ChatCompletionChunk>>>): Provider {
  return {
    call: (request) => {
      const answer = answers[request.deployment.id];
      if (answer === undefined) throw new Error(`no answer for deployment ${request.deployment.id}`);
      return answer(request);
    },
  };
}

/** A completion as deployment `model` would send it. */
export function completion(text: string, model = 'spec', completionTokens = 1, promptTokens = 1): ChatCompletion {
  return {
    id: 'chatcmpl-spec',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}

/** A content chunk as deployment `model` would send it. */
export function chunk(content: string, model = 'spec'): ChatCompletionChunk {
  return { id: 'chatcmpl-spec', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content }, finish_reason: null }] };
}

export function request(model: string, extra: Partial<RouterRequest> = {}): RouterRequest {
  return { model, messages: [{ role: 'user', content: 'hi' }], ...extra };
}

/** A Router on `scheduler`, with no environment and a fixed `random`. */
export function routerFor(
  scheduler: TestScheduler,
  config: RouterConfig,
  options: { provider?: Provider; random?: () => number } = {},
): Router {
  return new Router(config, {
    scheduler,
    env: {},
    random: options.random ?? (() => 0),
    ...(options.provider === undefined ? {} : { provider: options.provider }),
  });
}

/** An error as a value `{ name, code, status, retryAfter }`, so a diagram can show it and then complete. */
export function errorAsValue<T>(): OperatorFunction<T, T | { name: unknown; code: unknown; status: unknown; retryAfter: unknown }> {
  return catchError((error: { name?: unknown; code?: unknown; status?: unknown; retryAfter?: unknown }) =>
    of({ name: error.name, code: error.code, status: error.status, retryAfter: error.retryAfter }),
  );
}

/** Which deployment answered: maps the call's output to the `model` the provider was asked for. */
export function answeredBy(): OperatorFunction<ChatCompletion | ChatCompletionChunk, string> {
  return map((output) => output.model);
}

/** A compact line per event: `attemptStarted a`, `fallback g1>g2`, `cooldownStarted a until 5000`. */
export function describeEvent(event: RouterEvent): string {
  switch (event.type) {
    case 'attemptStarted':
    case 'attemptSucceeded':
    case 'cooldownEnded':
      return `${event.type} ${event.deployment}`;
    case 'attemptFailed':
      return `${event.type} ${event.deployment} ${event.status}`;
    case 'attemptCancelled':
      return `${event.type} ${event.deployment}`;
    case 'retry':
      return `${event.type} ${event.group} #${event.retry}`;
    case 'fallback':
      return `${event.type} ${event.from}>${event.to}`;
    case 'hedgeStarted':
      return `${event.type} ${event.deployment}`;
    case 'hedgeSkipped':
      return `${event.type} ${event.group} ${event.reason}`;
    case 'hedgeWon':
      return `${event.type} ${event.winner} over ${event.losers.join(',')}`;
    case 'cooldownStarted':
      return `${event.type} ${event.deployment} until ${event.until}`;
    case 'callStarted':
      return `${event.type} ${event.group}`;
    case 'callSucceeded':
      return `${event.type} ${event.deployment}`;
    case 'callFailed':
      return `${event.type} ${event.requestedGroup} ${event.status}`;
    case 'callCancelled':
      return `${event.type} ${event.requestedGroup}`;
    case 'probeStarted':
      return `${event.type} ${event.deployment} ${event.probesInFlight}`;
    case 'probeSucceeded':
      return `${event.type} ${event.deployment}`;
    case 'probeFailed':
      return `${event.type} ${event.deployment} ${event.cooldownMs}`;
  }
}

/** A resolved deployment for calling a strategy directly (no config parsing). */
export function fakeDeployment(id: string, fields: Partial<Deployment> = {}): Deployment {
  return testDeployment({ id, group: 'g', model: id, apiBase: 'http://127.0.0.1:1', ...fields });
}

/** A deployment state for calling a strategy directly. */
export function fakeState(id: string, fields: Partial<DeploymentState> = {}): DeploymentState {
  return { ...initialDeploymentState(id, 'g'), ...fields };
}

/** The routing context of a non-streaming request at t = 0 unless told otherwise. */
export function fakeContext(fields: Partial<RoutingContext> = {}): RoutingContext {
  return { stream: false, estimatedTokens: 0, now: 0, args: {}, ...fields };
}

/**
 * A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives the same sequence, so
 * distribution specs are reproducible while still exercising many different draws.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
