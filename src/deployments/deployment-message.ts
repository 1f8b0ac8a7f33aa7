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
      /** The attempt started while the deployment was half-open (DESIGN §12): its success closes it. */
      readonly probe?: boolean;
    }
  | {
      readonly type: 'attemptFailed';
      readonly error: { readonly kind: FailureKind; readonly status: number; readonly code: string };
      readonly latencyMs: number;
      /** How long a cooldown caused by this failure lasts (ms), already resolved by precedence; 0 disables. */
      readonly cooldownMs: number;
      /** The attempt started while the deployment was half-open: a failure that counts cools it again, doubled. */
      readonly probe?: boolean;
    }
  /**
   * The attempt ended without a verdict on the deployment: the caller gave up (unsubscribed), or a
   * clock the request chose (shorter than the configuration's) or a mock hang cut it (DESIGN §6).
   */
  | {
      readonly type: 'attemptCancelled';
      /** The attempt started while the deployment was half-open: its probe slot is freed, with no verdict. */
      readonly probe?: boolean;
    }
  | { readonly type: 'cooldownExpired' };
