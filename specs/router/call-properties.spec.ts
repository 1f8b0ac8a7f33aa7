import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../support/arbitraries.js';
import {
  attemptsAccounted,
  attemptsKeepTheirKind,
  retriesFollowRules,
  streamClocksOnlyForStreams,
  successesRecorded,
  upstreamReleased,
} from '../support/attempt-invariants.js';
import { deliversOnce, endsByDeadline, endsExactlyOnce, errorsAreTyped, finalErrorListsAttempts } from '../support/call-invariants.js';
import { cooledOnlyByCountedFailures, failedProbesRecool, probesBounded } from '../support/health-invariants.js';
import { hedgesFollowRules } from '../support/hedge-invariants.js';
import { propertyRuns, runs } from '../support/property-runs.js';
import { coverageOf, shortfalls } from '../support/coverage.js';
import { createOutcomeCache } from '../support/outcome-cache.js';
import type { Outcome } from '../support/run-scenario.js';

// DESIGN §1, §3, §4, §6, §9 as properties: for any router (1–3 groups of 1–3 deployments, clocks,
// retries, cooldowns, fallbacks), any upstream behaviour per call, calls of every kind (chat, text
// completion, embeddings) with any request overrides, and any caller of the kind's API (completion$ /
// textCompletion$ / embedding$ to the end or unsubscribed, completion() / textCompletion() /
// embedding(), stream() / textStream() drained or broken out of), run in virtual time.

const cache = createOutcomeCache();

function holds(invariant: (outcome: Outcome) => void): Promise<void> {
  return fc.assert(
    fc.asyncProperty(scenarioArbitrary, async (scenario) => invariant(await cache.outcomeOf(scenario))),
    propertyRuns,
  );
}

describe('Router call invariants (property-based, virtual time)', () => {
  it('ends every call exactly once: one complete or one error, nothing after; completion() settles; stream() ends', () =>
    holds(endsExactlyOnce));

  it('ends every call by its deadline (request timeout, else router timeout) plus one virtual ms', () => holds(endsByDeadline));

  it('fails only with RxllmErrors, through every kind\'s Observable, Promise and async iterator', () => holds(errorsAreTyped));

  it('delivers chunks of one upstream call, none twice, none after an error; a non-streaming call one answer then complete; all of its kind', () =>
    holds(deliversOnce));

  it('asks the provider, on every attempt, for the call\'s own kind, streaming exactly when the call does', () => holds(attemptsKeepTheirKind));

  it('cuts no non-streaming attempt (no embeddings call) with a stream clock: only timeout caps it', () => holds(streamClocksOnlyForStreams));

  it('ends every attempt started exactly once on events$, and leaves totals that add up with nothing in flight', () =>
    holds(attemptsAccounted));

  it('cools a deployment only right after a counted failure of its own', () => holds(cooledOnlyByCountedFailures));

  it('admits at most cooldown_probe_requests probes to a half-open deployment, and counts them as the attempts show', () => holds(probesBounded));

  it('cools a half-open deployment again at once when a probe fails in a way that counts', () => holds(failedProbesRecool));

  it('unsubscribes every upstream call in the tick its call ends or its caller leaves, leaving none open', () => holds(upstreamReleased));

  it("records every answer a caller got as a success of the deployment that gave it, whichever API", () => holds(successesRecorded));

  it('lists every attempt the call started, with its code and status, on the final error', () => holds(finalErrorListsAttempts));

  it('retries 408, 409, 429, 5xx, connection errors and timeouts at once elsewhere while retries remain; never 400, 403, 404, 413, 422', () =>
    holds(retriesFollowRules));

  it('hedges before the first value only, at n × hedge_after, elsewhere, within max_hedges and the budget; losers cancelled in the winning tick', () =>
    holds(hedgesFollowRules));

  // Not a property: proof that the ones above judged cases that reach every rule they speak of.
  it('draws cases that reach every rule: each upstream fault, each clock, retries, fallbacks, cooldowns, each kind, each way a caller ends', async () => {
    await holds(() => undefined);
    const minimums: Record<string, number> = {
      retry: 20,
      fallback: 10,
      cooldownStarted: 5,
      attemptCancelled: 10,
      'attemptFailed not counted': 10,
      hedgeStarted: 10,
      hedgeWon: 5,
      hedgeSkipped: 5,
      'completion() fulfilled': 10,
      'completion() rejected': 10,
      'stream() drained: done': 10,
      'stream() drained: rejected': 10,
      'stream() broken out of before its first chunk': 3,
      'textCompletion$ complete': 10,
      'textCompletion$ error': 10,
      'textCompletion$ unsubscribed': 5,
      'textCompletion() fulfilled': 5,
      'textCompletion() rejected': 5,
      'textStream() drained: done': 5,
      'textStream() drained: rejected': 5,
      'textStream() broken out of': 3,
      'embedding$ complete': 10,
      'embedding$ error': 10,
      'embedding$ unsubscribed': 5,
      'embedding() fulfilled': 5,
      'embedding() rejected': 5,
    };
    // What each kind's upstream did, streaming and not (embeddings never stream).
    for (const upstream of ['chat', 'chat stream', 'text_completion', 'text_completion stream', 'embedding']) {
      for (const behaviour of ['answer', 'hang', 'fault', 'stall', 'breaks', 'empty', 'late']) minimums[`upstream ${upstream} ${behaviour}`] = 2;
    }
    for (const failure of [
      '400 bad_request',
      '401 invalid_api_key',
      '403 permission_denied',
      '404 not_found',
      '408 upstream_timeout',
      '409 conflict',
      '413 request_too_large',
      '422 unprocessable_entity',
      '429 rate_limit_exceeded',
      '500 internal_server_error',
      '503 service_unavailable',
      '529 internal_server_error',
      '502 api_connection_error',
      '502 empty_response',
      '408 attempt_timeout',
      '408 first_chunk_timeout',
      '408 idle_timeout',
      '408 deadline_exceeded',
    ]) {
      minimums[`attemptFailed ${failure}`] = 2;
    }
    expect(shortfalls(coverageOf(await cache.all()), minimums, runs)).toEqual([]);
  });
});
