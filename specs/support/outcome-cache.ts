// Each property of a spec file draws the same cases (same arbitrary, same seed), and a run is
// deterministic (virtual time, seeded randomness): so each case runs once, and every property,
// and the coverage check, judges the same outcome.
import { type Outcome, runScenario } from './run-scenario.js';
import type { Scenario } from './scenario.js';

export interface OutcomeCache {
  outcomeOf(scenario: Scenario): Promise<Outcome>;
  /** Every outcome run so far. */
  all(): Promise<Outcome[]>;
}

export function createOutcomeCache(): OutcomeCache {
  const outcomes = new Map<string, Promise<Outcome>>();
  return {
    outcomeOf(scenario) {
      const key = JSON.stringify(scenario);
      let outcome = outcomes.get(key);
      if (outcome === undefined) {
        outcome = runScenario(scenario);
        outcomes.set(key, outcome);
      }
      return outcome;
    },
    all: () => Promise.all(outcomes.values()),
  };
}
