/**
 * Milliseconds as seconds in a plain decimal, as the `x-litellm-timeout` header carries them:
 * `600000` → `600`, `700` → `0.7` (never `7e-1`; microseconds at most).
 */
export function formatSeconds(ms: number): string {
  return String(Math.round(ms * 1000) / 1e6);
}
