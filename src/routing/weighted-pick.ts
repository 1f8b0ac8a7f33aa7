/**
 * Picks an index with probability proportional to its weight, using one random number in [0, 1).
 * Weights ≤ 0 are never picked; when no weight is positive, every index is equally likely.
 */
export function weightedPick(weights: readonly number[], random: number): number {
  let total = 0;
  for (const weight of weights) if (weight > 0) total += weight;
  if (total <= 0) return Math.min(weights.length - 1, Math.floor(random * weights.length));
  let point = random * total;
  let lastPositive = 0;
  for (let index = 0; index < weights.length; index++) {
    const weight = weights[index] ?? 0;
    if (weight <= 0) continue;
    lastPositive = index;
    if (point < weight) return index;
    point -= weight;
  }
  return lastPositive;
}
