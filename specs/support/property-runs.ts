// How many cases each Router property runs, from which seed. Fixed by default so a run is
// reproducible; fast-check prints the seed, path and shrunk case of a failure, and FC_SEED /
// FC_RUNS replay it or explore further (FC_SEED=random draws a new seed, printed on failure).
import type fc from 'fast-check';

const seedSetting = process.env['FC_SEED'];

/** Cases per property. */
export const runs = Number(process.env['FC_RUNS'] ?? 300);

export const propertyRuns: fc.Parameters<unknown> = {
  numRuns: runs,
  ...(seedSetting === 'random' ? {} : { seed: Number(seedSetting ?? 20_261_202) }),
  ...(process.env['FC_PATH'] === undefined ? {} : { path: process.env['FC_PATH'] }),
};
