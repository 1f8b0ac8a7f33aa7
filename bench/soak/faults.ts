/**
 * The faults the soak's upstream injects, one name per way a real upstream breaks. Each applies to
 * every wire format, streaming and non-streaming requests alike, in the format's own terms
 * (fault-upstream.ts and formats/play-answer.ts say how).
 */
export const faultKinds = [
  'hang-before-headers',
  'hang-before-first-chunk',
  'stall-mid-stream',
  'reset-before-body',
  'reset-mid-body',
  '429-retry-after',
  '429',
  '500',
  '503',
  '529',
  'malformed-json',
  'malformed-sse',
  'cut-short',
  'error-event',
] as const;

export type FaultKind = (typeof faultKinds)[number];

/** What an upstream request was served with: a fault, or a whole answer. */
export type Served = FaultKind | 'none';

export function isFaultKind(name: string): name is FaultKind {
  return (faultKinds as readonly string[]).includes(name);
}

/**
 * A small seeded PRNG (mulberry32), so a soak's choices (which request faults, which client
 * disconnects) repeat for the same seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
