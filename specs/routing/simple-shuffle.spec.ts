import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/config/router-settings.js';
import { simpleShuffle } from '../../src/routing/simple-shuffle.js';
import { fakeContext, fakeDeployment, fakeState, seededRandom } from './router-fixture.js';

const draws = 20_000;
// Each observed share must be within 1.5 percentage points of its expected share. With 20 000 draws
// the standard deviation of a share is at most 0.35 points, so this is > 4 sigma for every case here
// (and the seed makes the run reproducible); a wrong weighting (e.g. uniform) misses by 10+ points.
const tolerance = 0.015;

/** The share of `draws` picks each deployment got, by id. */
function shares(candidates: readonly Deployment[], seed = 42): Record<string, number> {
  const random = seededRandom(seed);
  const snapshots = candidates.map((deployment) => fakeState(deployment.id));
  const counts: Record<string, number> = Object.fromEntries(candidates.map((deployment) => [deployment.id, 0]));
  for (let draw = 0; draw < draws; draw++) {
    const picked = simpleShuffle(candidates, snapshots, fakeContext(), random);
    if (picked === undefined) throw new Error('simple-shuffle picked nothing');
    counts[picked.id] = (counts[picked.id] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([id, count]) => [id, count / draws]));
}

function expectShares(actual: Record<string, number>, expected: Record<string, number>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [id, share] of Object.entries(expected)) {
    expect(Math.abs((actual[id] ?? 0) - share), `share of ${id}: ${actual[id]} vs ${share}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('simpleShuffle', () => {
  it('splits calls in proportion to weight (1 : 2 : 7)', () => {
    const candidates = [fakeDeployment('a', { weight: 1 }), fakeDeployment('b', { weight: 2 }), fakeDeployment('c', { weight: 7 })];
    expectShares(shares(candidates), { a: 0.1, b: 0.2, c: 0.7 });
  });

  it('holds for other seeds too', () => {
    const candidates = [fakeDeployment('a', { weight: 1 }), fakeDeployment('b', { weight: 2 }), fakeDeployment('c', { weight: 7 })];
    for (const seed of [1, 7, 2026]) expectShares(shares(candidates, seed), { a: 0.1, b: 0.2, c: 0.7 });
  });

  it('weights by rpm when no deployment has a weight', () => {
    const candidates = [fakeDeployment('a', { rpm: 100 }), fakeDeployment('b', { rpm: 300 })];
    expectShares(shares(candidates), { a: 0.25, b: 0.75 });
  });

  it('weights by tpm when no deployment has a weight or rpm', () => {
    const candidates = [fakeDeployment('a', { tpm: 40_000 }), fakeDeployment('b', { tpm: 10_000 })];
    expectShares(shares(candidates), { a: 0.8, b: 0.2 });
  });

  it('weight wins over rpm', () => {
    const candidates = [fakeDeployment('a', { weight: 3, rpm: 1 }), fakeDeployment('b', { weight: 1, rpm: 1_000 })];
    expectShares(shares(candidates), { a: 0.75, b: 0.25 });
  });

  it('is uniform when no deployment has a weight, rpm or tpm', () => {
    const candidates = [fakeDeployment('a'), fakeDeployment('b'), fakeDeployment('c'), fakeDeployment('d')];
    expectShares(shares(candidates), { a: 0.25, b: 0.25, c: 0.25, d: 0.25 });
  });

  it('reads the weight of every deployment, not only the first (LiteLLM checks the first only)', () => {
    // The first has no weight: a weight on any deployment still turns weighting on; the one without gets weight 1.
    const candidates = [fakeDeployment('a'), fakeDeployment('b', { weight: 3 })];
    expectShares(shares(candidates), { a: 0.25, b: 0.75 });
  });

  it('gives a deployment without rpm the mean rpm of the others', () => {
    const candidates = [fakeDeployment('a', { rpm: 100 }), fakeDeployment('b', { rpm: 300 }), fakeDeployment('c')];
    expectShares(shares(candidates), { a: 100 / 600, b: 300 / 600, c: 200 / 600 });
  });

  it('never picks a weight of 0 while another weight is positive', () => {
    const candidates = [fakeDeployment('a', { weight: 0 }), fakeDeployment('b', { weight: 1 })];
    expectShares(shares(candidates), { a: 0, b: 1 });
  });

  it('returns the only candidate without drawing', () => {
    const only = fakeDeployment('a', { weight: 5 });
    const random = () => {
      throw new Error('drew a random number');
    };
    expect(simpleShuffle([only], [fakeState('a')], fakeContext(), random)).toBe(only);
  });

  it('maps random() = 0 to the first and random() close to 1 to the last', () => {
    const candidates = [fakeDeployment('a', { weight: 1 }), fakeDeployment('b', { weight: 1 })];
    const snapshots = candidates.map((deployment) => fakeState(deployment.id));
    expect(simpleShuffle(candidates, snapshots, fakeContext(), () => 0)?.id).toBe('a');
    expect(simpleShuffle(candidates, snapshots, fakeContext(), () => 0.999_999)?.id).toBe('b');
  });
});
