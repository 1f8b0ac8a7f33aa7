import { Agent } from 'undici';

let agent: Agent | undefined;

/**
 * The undici `Agent` providers share when they are not given a dispatcher: one keep-alive pool per
 * origin. Its own header and body timeouts are off (`0`) because rxllm's RxJS clocks (first chunk,
 * idle, attempt, deadline) govern every wait, and they abort the request when they fire.
 *
 * @example
 * const provider = createOpenAICompatibleProvider(); // uses defaultAgent()
 */
export function defaultAgent(): Agent {
  agent ??= new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return agent;
}

/**
 * Closes the shared agent's pooled sockets; the next call opens a new agent. By default it waits for
 * requests in flight to finish; `{ force: true }` destroys them (they fail with `APIConnectionError`).
 *
 * @example
 * afterAll(() => closeDefaultAgent());
 */
export async function closeDefaultAgent(options: { force?: boolean } = {}): Promise<void> {
  const closing = agent;
  agent = undefined;
  if (closing === undefined) return;
  await (options.force === true ? closing.destroy() : closing.close());
}
