// What a property-based router spec generates: a router (groups, deployments, settings), what each
// deployment's upstream does on each call, and a few calls with the way their caller consumes them.
// Plain data, so that fast-check can print and shrink a counterexample. Times are virtual ms
// (one TestScheduler frame each); durations that go into configs and requests are seconds.
import type { RoutingStrategyName } from '../../src/config/router-config-schema.js';
import type { CallKindName } from '../../src/router/call-kind.js';

/** An upstream status the scripted provider answers with, or a connection failure. */
export type UpstreamFault = 400 | 401 | 403 | 404 | 408 | 409 | 413 | 422 | 429 | 500 | 503 | 529 | 'connection';

/**
 * One upstream call, from its subscription. `at` and `gaps` are ms; a non-streaming call answers
 * with one answer of its kind at `at` (a chat completion, a text completion, an embeddings list), a
 * streaming one with chunks (chat) or pieces (text completion) at `at`, then after each gap.
 */
export type Behaviour =
  /** The answer, then complete; `preamble` sends the role-only chunk and an empty delta first. */
  | { readonly kind: 'answer'; readonly at: number; readonly gaps: readonly number[]; readonly preamble: boolean }
  /** Nothing, ever. */
  | { readonly kind: 'hang' }
  /** The fault at `at`; `retryAfter` seconds when it sent a Retry-After. */
  | { readonly kind: 'fault'; readonly at: number; readonly fault: UpstreamFault; readonly retryAfter: number | undefined }
  /** The answer (or its chunks), then nothing: no complete, no error. */
  | { readonly kind: 'stall'; readonly at: number; readonly gaps: readonly number[]; readonly preamble: boolean }
  /** The answer (or its chunks), then a fault after `after` ms. */
  | { readonly kind: 'breaks'; readonly at: number; readonly gaps: readonly number[]; readonly after: number; readonly fault: UpstreamFault }
  /** Completes at `at` without a value. */
  | { readonly kind: 'empty'; readonly at: number }
  /** The answer (or its chunks), and complete only `after` ms later. */
  | { readonly kind: 'late'; readonly at: number; readonly gaps: readonly number[]; readonly after: number };

/** Clock settings in seconds, as `litellm_params` and the Router take them. */
export interface ClockSettings {
  readonly timeout?: number;
  readonly stream_timeout?: number;
  readonly stream_idle_timeout?: number;
  readonly num_retries?: number;
  readonly cooldown_time?: number;
}

/** A deployment's `litellm_params` beyond its model: its clocks, and maybe a mock hang of every attempt. */
export interface DeploymentParams extends ClockSettings {
  readonly mock_timeout?: boolean;
}

export interface DeploymentSpec {
  /** `model_info.id`: `<group>-d<n>`. */
  readonly id: string;
  readonly group: string;
  readonly params: DeploymentParams;
  /** The n-th upstream call to this deployment does `script[n % script.length]`. */
  readonly script: readonly Behaviour[];
}

export interface RouterSpec {
  readonly groups: readonly string[];
  readonly deployments: readonly DeploymentSpec[];
  readonly settings: ClockSettings & {
    readonly allowed_fails?: number;
    readonly routing_strategy?: RoutingStrategyName;
    readonly disable_cooldowns?: boolean;
    /** Half-open recovery (DESIGN §12): probes at once when a cooldown ends (0: none, all traffic back). */
    readonly cooldown_probe_requests?: number;
    readonly max_cooldown_time?: number;
    readonly fallbacks?: readonly Readonly<Record<string, readonly string[]>>[];
    /** Hedging (DESIGN §12): seconds, a count, a ratio. */
    readonly hedge_after?: number;
    readonly max_hedges?: number;
    readonly hedge_budget?: number;
  };
}

/** The per-request extras a call sets (seconds). */
export interface RequestSpec {
  readonly model: string;
  readonly stream: boolean;
  readonly timeout?: number;
  readonly stream_timeout?: number;
  readonly stream_idle_timeout?: number;
  readonly num_retries?: number;
  readonly mock_timeout?: boolean;
  readonly mock_testing_fallbacks?: boolean;
  readonly fallbacks?: readonly string[];
  readonly disable_fallbacks?: boolean;
  readonly cooldown_time?: number;
  readonly hedge_after?: number;
  readonly max_hedges?: number;
}

/**
 * How the caller consumes its call, through its kind's API: chat `completion$` / `completion()` /
 * `stream()`, text `textCompletion$` / `textCompletion()` / `textStream()`, embeddings `embedding$` /
 * `embedding()` (which never stream: no `drain` nor `break`).
 */
export type Caller =
  /** `completion$` (`textCompletion$`, `embedding$`), subscribed to the end. */
  | { readonly kind: 'observe' }
  /** `completion$` (`textCompletion$`, `embedding$`), unsubscribed `after` ms. */
  | { readonly kind: 'unsubscribe'; readonly after: number }
  /** `completion()` (`textCompletion()`, `embedding()`): non-streaming only. */
  | { readonly kind: 'promise' }
  /** `stream()` (`textStream()`), read to its end. */
  | { readonly kind: 'drain' }
  /** `stream()` (`textStream()`), one `next()` asked at once, and `return()` (a `for await` break) `after` ms. */
  | { readonly kind: 'break'; readonly after: number };

export interface CallSpec {
  /** When the caller subscribes (ms). */
  readonly at: number;
  /** Which endpoint the call is (DESIGN §9). */
  readonly kind: CallKindName;
  readonly request: RequestSpec;
  readonly caller: Caller;
}

export interface Scenario {
  readonly router: RouterSpec;
  readonly calls: readonly CallSpec[];
  /** Seeds the router's `random` (routing picks, backoff jitter). */
  readonly seed: number;
}
