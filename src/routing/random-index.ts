/** An index in [0, length) from one random number in [0, 1); safe when `random()` returns exactly 1. */
export function randomIndex(length: number, random: () => number): number {
  return Math.min(length - 1, Math.floor(random() * length));
}

/**
 * One of `indices` at random: how every strategy breaks a tie, so that equal deployments share the
 * load instead of the first one in `model_list` taking it all.
 */
export function pickAmong<T>(items: readonly T[], indices: readonly number[], random: () => number): T | undefined {
  if (indices.length === 0) return undefined;
  const index = indices.length === 1 ? indices[0] : indices[randomIndex(indices.length, random)];
  return index === undefined ? undefined : items[index];
}
