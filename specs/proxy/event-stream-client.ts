/** One SSE event as a client sees it. */
export interface ReceivedEvent {
  readonly name: string;
  readonly data: unknown;
  /** `Date.now()` when it arrived. */
  readonly receivedAt: number;
}

/** A reader of `GET /v1/router/events` for specs: collects events and comments as they come. */
export interface EventStreamClient {
  readonly status: number;
  readonly headers: Headers;
  /** Every event so far, in arrival order. */
  readonly events: ReceivedEvent[];
  /** Every byte so far, as text (to look for things that must never be sent). */
  readonly raw: () => string;
  /** Resolves with the first event (from `from` on) that `matches`; rejects after `timeoutMs`. */
  waitFor(matches: (event: ReceivedEvent) => boolean, what: string, timeoutMs?: number, from?: number): Promise<ReceivedEvent>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** Disconnects. */
  close(): void;
}

/**
 * Opens the event stream with fetch and parses its frames (`event:` + one `data:` line, `:` comments
 * ignored), the way the page does.
 *
 * @example
 * const stream = await openEventStream(`${proxy.url}/v1/router/events`, { authorization: 'Bearer sk-1' });
 * await stream.waitFor((e) => e.name === 'cooldownStarted', 'a cooldown');
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: ReceivedEvent[] = [];
  let text = '';
  let buffer = '';
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (response.body === null) return;
    const decoder = new TextDecoder();
    try {
      for await (const bytes of response.body) {
        const piece = decoder.decode(bytes as Uint8Array, { stream: true });
        text += piece;
        buffer += piece;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (name !== undefined && data !== undefined) events.push({ name, data: JSON.parse(data), receivedAt: Date.now() });
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    events,
    raw: () => text,
    ended,
    waitFor(matches, what, timeoutMs = 5_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(from).find(matches);
          if (found === undefined) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${events.map((e) => e.name).join(', ')}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    close: () => controller.abort(),
  };
}
