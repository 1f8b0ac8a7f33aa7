/**
 * Resolves once `condition()` holds, checking after every event-loop turn; rejects after `timeoutMs`
 * (a generous bound, not a sleep: it returns as soon as the condition holds).
 *
 * @example
 * await waitUntil(() => upstream.openConnections === 0);
 */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
