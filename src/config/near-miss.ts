// Telling a typo from a setting rxllm does not use: `stream_timout` is a near miss of
// `stream_timeout` (and must fail, or the deployment silently runs without a first-chunk clock),
// while `vertex_project` is just a LiteLLM setting rxllm ignores.

/** Keys shorter than this are never taken for near misses (`rpm` and `tpm` are one letter apart). */
const minLength = 5;

/** Case and `-` versus `_` do not make a different key. */
function normalize(key: string): string {
  return key.toLowerCase().replaceAll('-', '_');
}

function sortedLetters(key: string): string {
  return [...key].sort().join('');
}

/** Levenshtein distance, giving up (returning `limit + 1`) as soon as it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known key an unknown one was most likely meant to be: the same key in another case or with
 * `-` for `_`, one at most 2 edits away, or the same letters in another order. Keys of fewer than 5
 * characters are never matched. Undefined when `key` is no near miss of any (or is one of them).
 *
 * @example
 * nearMiss('stream_timout', ['timeout', 'stream_timeout']); // 'stream_timeout'
 * nearMiss('drop_params', ['timeout', 'stream_timeout']);   // undefined
 */
export function nearMiss(key: string, known: Iterable<string>): string | undefined {
  const wanted = normalize(key);
  if (wanted.length < minLength) return undefined;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === key) return undefined;
    const normal = normalize(candidate);
    if (normal.length < minLength) continue;
    const distance = sortedLetters(normal) === sortedLetters(wanted) ? Math.min(1, editDistance(wanted, normal, 2)) : editDistance(wanted, normal, 2);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/** The config message for a near miss. */
export function didYouMean(suggestion: string): string {
  return `unknown setting (did you mean "${suggestion}"?)`;
}
