import {
  asyncScheduler,
  filter,
  firstValueFrom,
  merge,
  mergeMap,
  type Observable,
  type SchedulerLike,
  share,
  Subject,
  takeUntil,
  fromEvent,
} from 'rxjs';
import { parseRouterConfig, type Env } from '../config/parse-router-config.js';
import type { RouterConfig } from '../config/router-config-schema.js';
import type { RouterSettings } from '../config/router-settings.js';
import { createInMemoryDeploymentStore, type DeploymentStore, type DeploymentStoreFactory } from '../deployments/deployment-store.js';
import { redisDeploymentStore } from '../deployments/redis/create-redis-deployment-store.js';
import { redisStoreOptions } from '../deployments/redis/redis-store-options.js';
import type { DeploymentState } from '../deployments/deployment-state.js';
import { createDeploymentReducer } from '../deployments/reduce-deployment.js';
import { BadRequestError } from '../errors/error-classes.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  NonStreamingRouterRequest,
  RouterRequest,
  StreamingRouterRequest,
} from '../protocol/chat.js';
import type { Provider } from '../providers/provider.js';
import { strategyFor } from '../routing/strategy-for.js';
import type { EmbeddingResponse, EmbeddingRouterRequest } from '../protocol/embedding.js';
import type { TextCompletion, TextRouterRequest } from '../protocol/text-completion.js';
import { type CallKind, type CallOutput, chatKind, embeddingKind, textCompletionKind } from './call-kind.js';
import type { AnyRouterRequest } from './parse-request.js';
import { call$ } from './call-pipeline.js';
import { defaultProvider } from './default-provider.js';
import { HedgeBudget } from './hedge-budget.js';
import type { RouterCore } from './router-core.js';
import type { CallInfo, RouterEvent } from './router-events.js';
import { healthEvents } from './health-events.js';
import { toAsyncIterable } from './to-async-iterable.js';
import type { HealthReport, ProbeOptions } from '../health/health-report.js';
import { healthChecks$ } from '../health/health-checks.js';
import { probeRound$ } from '../health/probe-round.js';

export interface RouterOptions {
  /** Where every timer runs and `now()` is read. Default `asyncScheduler` (virtualised by `TestScheduler.run`). */
  scheduler?: SchedulerLike;
  /** Randomness for routing and jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Replaces the HTTP provider (custom transports, tests). Mock deployments never reach it. */
  provider?: Provider;
  /** Where `os.environ/NAME` and the providers' variables (`OPENAI_API_KEY`, `AZURE_*`, `GEMINI_API_KEY`, `AWS_*`, ...) are read. Default `process.env`. */
  env?: Env;
  /**
   * Where deployment state is kept: `redisDeploymentStore({ url, ... })` to share it with a fleet of
   * routers. Default: Redis when the config names one (`redis_url`, `redis_host`), else in memory.
   */
  store?: DeploymentStoreFactory;
}

export interface CallOptions {
  /**
   * Called once, synchronously, just before the first chunk (or the completion) is emitted: which
   * deployment answered, after how many retries and fallbacks. The proxy sends its headers here.
   */
  onCommit?: (info: CallInfo) => void;
}

export interface PromiseCallOptions {
  /** Aborting it unsubscribes the call (aborting the upstream request) and rejects with its reason. */
  signal?: AbortSignal;
}

/**
 * LiteLLM's Router for RxJS: deployments grouped by `model_name`, with timeouts, retries, fallbacks,
 * cooldowns and routing strategies. Each call is a cold Observable; unsubscribing aborts it.
 *
 * @example
 * const router = new Router({
 *   model_list: [{ model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: 'os.environ/OPENAI_API_KEY' } }],
 *   timeout: 30, stream_timeout: 5, num_retries: 2,
 * });
 * router.completion$({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true })
 *   .subscribe((chunk) => process.stdout.write(chunk.choices[0]?.delta.content ?? ''));
 */
export class Router {
  /** The validated settings (milliseconds, defaults applied). */
  readonly settings: RouterSettings;
  /** Every deployment's state, now and after every change. */
  readonly deployments$: Observable<ReadonlyMap<string, DeploymentState>>;
  /** Attempts, retries, fallbacks and cooldowns as they happen. */
  readonly events$: Observable<RouterEvent>;

  private readonly core: RouterCore;
  private readonly store: DeploymentStore;
  private readonly closeProvider: (() => Promise<void>) | undefined;
  private closing: Promise<void> | undefined;

  /** @throws ConfigError listing every problem of `config`. */
  constructor(config: RouterConfig, options: RouterOptions = {}) {
    const env = options.env ?? process.env;
    const settings = parseRouterConfig(config, env);
    const scheduler = options.scheduler ?? asyncScheduler;
    const store = options.store ?? (settings.redis === undefined ? createInMemoryDeploymentStore : redisDeploymentStore(redisStoreOptions(settings.redis)));
    this.store = store(
      settings.deployments.map((deployment) => ({
        id: deployment.id,
        group: deployment.group,
        reducer: createDeploymentReducer({
          sole: (settings.groups.get(deployment.group)?.length ?? 0) === 1,
          disabled: settings.disableCooldowns,
          allowedFails: settings.allowedFails,
          allowedFailsPolicy: settings.allowedFailsPolicy,
          probeRequests: settings.cooldownProbeRequests,
          maxCooldownMs: settings.maxCooldownTimeMs,
        }),
      })),
      scheduler,
    );
    let provider = options.provider;
    if (provider === undefined) {
      const owned = defaultProvider();
      provider = owned.provider;
      this.closeProvider = owned.close;
    }
    const events = new Subject<RouterEvent>();
    this.settings = settings;
    this.core = {
      settings,
      store: this.store,
      provider,
      strategy: strategyFor(settings.routingStrategy, settings.routingStrategyArgs),
      scheduler,
      random: options.random ?? Math.random,
      events,
      hedgeBudgets: new Map([...settings.hedging].map(([group, hedging]) => [group, new HedgeBudget(hedging.budget)])),
      lifecycle: { closed: false },
    };
    this.deployments$ = this.store.all$;
    const health$ = this.store.transitions$.pipe(
      filter(({ previous, next }) => previous.cooldownUntil !== next.cooldownUntil || previous.halfOpen !== next.halfOpen),
      mergeMap(healthEvents),
    );
    this.events$ = merge(events, health$).pipe(share());
  }

  /** The scheduler the router's clocks run on and read time from (`cooldownUntil`, events' `at`). */
  get scheduler(): SchedulerLike {
    return this.core.scheduler;
  }

  /** The model groups (`model_name`s), in `model_list` order. */
  get modelGroups(): readonly string[] {
    return [...this.settings.groups.keys()];
  }

  /** One deployment's state, now and after every change. */
  deploymentState$(id: string): Observable<DeploymentState> {
    return this.store.state$(id);
  }

  /**
   * The call as a cold Observable: one `ChatCompletion`, or `ChatCompletionChunk`s when
   * `request.stream`. It ends in exactly one complete or one `RxllmError`.
   */
  completion$(request: StreamingRouterRequest, options?: CallOptions): Observable<ChatCompletionChunk>;
  completion$(request: NonStreamingRouterRequest, options?: CallOptions): Observable<ChatCompletion>;
  completion$(request: RouterRequest, options?: CallOptions): Observable<ChatCompletion | ChatCompletionChunk>;
  completion$(request: RouterRequest, options: CallOptions = {}): Observable<CallOutput> {
    return call$(this.core, chatKind, request, options.onCommit);
  }

  /** A non-streaming call as a Promise. */
  completion(request: RouterRequest, options: PromiseCallOptions = {}): Promise<ChatCompletion> {
    return this.settle(chatKind, request, options, 'completion() does not stream: use stream() or completion$()') as Promise<ChatCompletion>;
  }

  /** A streaming call as an async iterable; breaking out of the loop aborts the call. */
  stream(request: RouterRequest, options: PromiseCallOptions = {}): AsyncIterableIterator<ChatCompletionChunk> {
    return toAsyncIterable(this.completion$({ ...request, stream: true }), options.signal);
  }

  /**
   * A text completion (OpenAI's `/v1/completions`: `prompt` a string, strings or tokens) as a cold
   * Observable: one `TextCompletion`, or its streamed pieces when `request.stream` — under the same
   * deadline, clocks, retries, fallbacks and commit point as a chat call (DESIGN §9). A deployment
   * of a chat-only provider gets the prompt as one user message.
   *
   * @example
   * router.textCompletion$({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say hi', stream: true })
   *   .subscribe((piece) => process.stdout.write(piece.choices[0]?.text ?? ''));
   */
  textCompletion$(request: TextRouterRequest, options: CallOptions = {}): Observable<TextCompletion> {
    return call$(this.core, textCompletionKind, request, options.onCommit) as Observable<TextCompletion>;
  }

  /** A non-streaming text completion as a Promise. */
  textCompletion(request: TextRouterRequest, options: PromiseCallOptions = {}): Promise<TextCompletion> {
    return this.settle(textCompletionKind, request, options, 'textCompletion() does not stream: use textStream() or textCompletion$()') as Promise<TextCompletion>;
  }

  /** A streaming text completion as an async iterable; breaking out of the loop aborts the call. */
  textStream(request: TextRouterRequest, options: PromiseCallOptions = {}): AsyncIterableIterator<TextCompletion> {
    return toAsyncIterable(this.textCompletion$({ ...request, stream: true }), options.signal);
  }

  /**
   * Embeddings (OpenAI's `/v1/embeddings`: `input` a string, strings or tokens) as a cold Observable
   * of one `EmbeddingResponse`. A deployment's `timeout` caps each attempt; retries, fallbacks,
   * cooldowns, routing and usage apply as for chat (DESIGN §9).
   *
   * @example
   * const { data } = await router.embedding({ model: 'text-embedding-3-small', input: ['a', 'b'] });
   */
  embedding$(request: EmbeddingRouterRequest, options: CallOptions = {}): Observable<EmbeddingResponse> {
    return call$(this.core, embeddingKind, request, options.onCommit) as Observable<EmbeddingResponse>;
  }

  /** Embeddings as a Promise. */
  embedding(request: EmbeddingRouterRequest, options: PromiseCallOptions = {}): Promise<EmbeddingResponse> {
    return this.settle(embeddingKind, request, options, 'embeddings do not stream') as Promise<EmbeddingResponse>;
  }

  /** A non-streaming call of `kind` as a Promise, aborted by `options.signal` (rejecting with its reason). */
  private settle(kind: CallKind, request: AnyRouterRequest, options: PromiseCallOptions, streamMessage: string): Promise<CallOutput> {
    if (request.stream === true) {
      return Promise.reject(new BadRequestError(streamMessage, { param: 'stream', code: 'invalid_request' }));
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let result$ = call$(this.core, kind, request);
    if (signal !== undefined) {
      const aborted$ = fromEvent(signal, 'abort');
      result$ = result$.pipe(takeUntil(aborted$));
    }
    return firstValueFrom(result$).catch((error: unknown) => {
      throw signal?.aborted ? signal.reason : error;
    });
  }

  /**
   * Health probes (LiteLLM's `/health`): each deployment (or those of `options.group`) gets a minimal
   * call straight to its provider (no retries or fallbacks), all in parallel, each under
   * `model_info.health_check_timeout` (default 60 s). One `HealthReport` when the last has answered.
   * Each outcome reaches the deployment's actor as an attempt's would: a failing deployment may cool.
   *
   * @example
   * const report = await firstValueFrom(router.probeDeployments$({ group: 'gpt-4o', timeoutMs: 5_000 }));
   * for (const probe of report.probes) console.log(probe.deployment.id, probe.healthy, probe.error?.code);
   */
  probeDeployments$(options: ProbeOptions = {}): Observable<HealthReport> {
    return probeRound$(this.core, options);
  }

  /**
   * Background health checks: `probeDeployments$` at once and then every `intervalMs` (on the
   * router's scheduler), each round's report as it ends. Unsubscribe to stop.
   *
   * @example
   * const checks = router.healthChecks$(300_000).subscribe((report) => console.log(report.probes.filter((p) => !p.healthy).length));
   */
  healthChecks$(intervalMs: number, options: ProbeOptions = {}): Observable<HealthReport> {
    return healthChecks$(this.core, intervalMs, options);
  }

  /**
   * Stops cooldown timers, lets go of a shared store's connections, and closes the HTTP connections this router opened (letting requests in
   * flight finish). Later calls fail at once with 503 `router_closed`. Calling it again is harmless.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.core.lifecycle.closed = true;
      await this.store.close();
      await this.closeProvider?.();
    })();
    return this.closing;
  }
}
