import fc from 'fast-check';
import { describe, it } from 'vitest';
import { healthScenarioArbitrary, healthyDeployment } from '../support/arbitraries.js';
import { cooledOnlyByCountedFailures, neverBlamed } from '../support/health-invariants.js';
import { propertyRuns } from '../support/property-runs.js';
import { runScenario } from '../support/run-scenario.js';

// DESIGN §6: only a deployment's own failures count. g0-d0 answers within every clock its
// configuration sets; requests may choose shorter clocks and deadlines, mock_timeout,
// mock_testing_fallbacks, and callers may leave at any time: none of that may count against it.

describe('Router deployment health (property-based, virtual time)', () => {
  it('never charges or cools a deployment that answers within every configured clock, whatever requests and callers do', () =>
    fc.assert(
      fc.asyncProperty(healthScenarioArbitrary, async (scenario) => {
        const outcome = await runScenario(scenario);
        neverBlamed(outcome, healthyDeployment);
        cooledOnlyByCountedFailures(outcome);
      }),
      propertyRuns,
    ));
});
