/** A positive number of seconds given as a number or a numeric string (a header, a JSON field); else undefined. */
export function positiveSeconds(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) && number > 0 ? number : undefined;
}
