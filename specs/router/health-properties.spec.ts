import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { healthScenarioArbitrary, healthyDeployment } from '../support/arbitraries.js';
import { cooledOnlyByCountedFailures, failedProbesRecool, neverBlamed, probesBounded } from '../support/health-invariants.js';
import { propertyRuns, runs } from '../support/property-runs.js';
import { coverageOf, shortfalls } from '../support/coverage.js';
import { createOutcomeCache } from '../support/outcome-cache.js';

// DESIGN §6: only a deployment's own failures count. g0-d0 answers within every clock its
// configuration sets; calls of every kind (chat, text completion, embeddings) may choose shorter
// clocks and deadlines, mock_timeout, mock_testing_fallbacks, and callers may leave at any time:
// none of that may count against it.

const cache = createOutcomeCache();

function healthyNeverBlamed(): Promise<void> {
  return fc.assert(
    fc.asyncProperty(healthScenarioArbitrary, async (scenario) => {
      const outcome = await cache.outcomeOf(scenario);
      neverBlamed(outcome, healthyDeployment);
      cooledOnlyByCountedFailures(outcome);
      probesBounded(outcome);
      failedProbesRecool(outcome);
    }),
    propertyRuns,
  );
}

describe('Router deployment health (property-based, virtual time)', () => {
  it('never charges or cools a deployment that answers within every configured clock, whatever requests and callers do', () =>
    healthyNeverBlamed());

  // Not a property: proof that the cases put the healthy deployment through what must not count.
  it('draws cases where request clocks, mock hangs and callers cut the healthy deployment while others cool', async () => {
    await healthyNeverBlamed();
    const outcomes = await cache.all();
    const healthy = coverageOf(
      outcomes.map((outcome) => ({
        ...outcome,
        log: outcome.log.filter((entry) => entry.type !== 'event' || !('deployment' in entry.event) || entry.event.deployment === healthyDeployment),
        upstreamCalls: outcome.upstreamCalls.filter((call) => call.deployment === healthyDeployment),
      })),
    );
    const minimums = {
      attemptSucceeded: 50,
      attemptCancelled: 10,
      'attemptFailed not counted': 20,
      'attemptFailed 408 deadline_exceeded': 10,
      'attemptFailed 408 first_chunk_timeout': 5,
      'attemptFailed 408 attempt_timeout': 5,
      // Every kind of call reaches it (DESIGN §9: one pipeline, one health rule).
      'upstream chat answer': 20,
      'upstream chat stream answer': 20,
      'upstream text_completion answer': 10,
      'upstream text_completion stream answer': 10,
      'upstream embedding answer': 20,
    };
    expect(shortfalls(healthy, minimums, runs)).toEqual([]);
    // Cooled deployments come back half-open, are probed, and failed probes cool them again (DESIGN §12).
    // Hedge races happen around it too: a lost one is a cancellation, never a failure.
    // (A probe's success is rarer here, where the failing deployments' scripts are drawn at random:
    // specs/router/half-open.spec.ts shows it.)
    expect(shortfalls(coverageOf(outcomes), { cooldownStarted: 10, cooldownEnded: 5, probeStarted: 5, probeFailed: 2, hedgeWon: 5 }, runs)).toEqual([]);
  });
});
