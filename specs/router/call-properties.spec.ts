import fc from 'fast-check';
import { describe, it } from 'vitest';
import { scenarioArbitrary } from '../support/arbitraries.js';
import { attemptsAccounted, retriesFollowRules, successesRecorded, upstreamReleased } from '../support/attempt-invariants.js';
import { deliversOnce, endsByDeadline, endsExactlyOnce, errorsAreTyped, finalErrorListsAttempts } from '../support/call-invariants.js';
import { cooledOnlyByCountedFailures } from '../support/health-invariants.js';
import { propertyRuns } from '../support/property-runs.js';
import { type Outcome, runScenario } from '../support/run-scenario.js';
import type { Scenario } from '../support/scenario.js';

// DESIGN §1, §3, §4, §6 as properties: for any router (1–3 groups of 1–3 deployments, clocks,
// retries, cooldowns, fallbacks), any upstream behaviour per call, any request overrides and any
// caller (completion$ to the end or unsubscribed, completion(), stream() drained or broken out of),
// run in virtual time.

// Every property draws the same cases (same arbitrary, same seed), and a run is deterministic
// (virtual time, seeded randomness): each case runs once and every property judges its outcome.
const outcomes = new Map<string, Promise<Outcome>>();

function outcomeOf(scenario: Scenario): Promise<Outcome> {
  const key = JSON.stringify(scenario);
  let outcome = outcomes.get(key);
  if (outcome === undefined) {
    outcome = runScenario(scenario);
    outcomes.set(key, outcome);
  }
  return outcome;
}

function holds(invariant: (outcome: Outcome) => void): Promise<void> {
  return fc.assert(
    fc.asyncProperty(scenarioArbitrary, async (scenario) => invariant(await outcomeOf(scenario))),
    propertyRuns,
  );
}

describe('Router call invariants (property-based, virtual time)', () => {
  it('ends every call exactly once: one complete or one error, nothing after; completion() settles; stream() ends', () =>
    holds(endsExactlyOnce));

  it('ends every call by its deadline (request timeout, else router timeout) plus one virtual ms', () => holds(endsByDeadline));

  it('fails only with RxllmErrors, through completion$, completion() and stream()', () => holds(errorsAreTyped));

  it('delivers chunks of one upstream call, none twice, none after an error; a non-streaming call one completion then complete', () =>
    holds(deliversOnce));

  it('ends every attempt started exactly once on events$, and leaves totals that add up with nothing in flight', () =>
    holds(attemptsAccounted));

  it('cools a deployment only right after a counted failure of its own', () => holds(cooledOnlyByCountedFailures));

  it('unsubscribes every upstream call in the tick its call ends or its caller leaves, leaving none open', () => holds(upstreamReleased));

  it("records every answer a caller got as a success of the deployment that gave it, whichever API", () => holds(successesRecorded));

  it('lists every attempt the call started, with its code and status, on the final error', () => holds(finalErrorListsAttempts));

  it('retries 408, 409, 429, 5xx, connection errors and timeouts at once elsewhere while retries remain; never 400, 403, 404, 413, 422', () =>
    holds(retriesFollowRules));
});
