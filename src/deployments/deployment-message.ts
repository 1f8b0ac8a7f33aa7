import type { FailureKind } from './failure-kind.js';

/** What an attempt reports to its deployment's actor. Plain data: a shared store can carry it. */
export type DeploymentMessage =
  | { readonly type: 'attemptStarted' }
  | { readonly type: 'firstChunk'; readonly ttftMs: number }
  | {
      readonly type: 'attemptSucceeded';
      readonly latencyMs: number;
      readonly ttftMs: number | undefined;
      /** Completion tokens (0 when unknown). */
      readonly outputTokens: number;
      /** Prompt + completion tokens (0 when unknown). */
      readonly tokens: number;
      /** Set when the attempt was a probe (DESIGN §12): the `halfOpen.since` of the spell it probed. Its success closes it. */
      readonly probeOf?: number | undefined;
    }
  | {
      readonly type: 'attemptFailed';
      readonly error: { readonly kind: FailureKind; readonly status: number; readonly code: string };
      readonly latencyMs: number;
      /** How long a cooldown caused by this failure lasts (ms), already resolved by precedence; 0 disables. */
      readonly cooldownMs: number;
      /** Set when the attempt was a probe: the `halfOpen.since` of its spell. A failure that counts cools it again, doubled. */
      readonly probeOf?: number | undefined;
    }
  /**
   * The attempt ended without a verdict on the deployment: the caller gave up (unsubscribed), or a
   * clock the request chose (shorter than the configuration's) or a mock hang cut it (DESIGN §6).
   */
  | {
      readonly type: 'attemptCancelled';
      /** Set when the attempt was a probe: the `halfOpen.since` of its spell. Its slot is freed, with no verdict. */
      readonly probeOf?: number | undefined;
    }
  | { readonly type: 'cooldownExpired' }
  /**
   * Another router of the fleet cooled the deployment (a shared store, DESIGN §10): adopted when it
   * ends later than this one's own, so that its end makes the deployment half-open here too, with the
   * same base for the doubling (DESIGN §12).
   */
  | { readonly type: 'fleetCooldown'; readonly until: number; readonly cooldownMs: number; readonly reason: string }
  /** Another router's probe succeeded: the deployment, half-open here, takes all traffic again. */
  | { readonly type: 'fleetRecovered' };
