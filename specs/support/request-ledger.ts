import type { ServerResponse } from 'node:http';

/** `promise`, or a rejection naming `what` after `timeoutMs`: a spec fails with a reason, never hangs. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** What a fake records of every request that the ledger keeps up to date. */
export interface LedgerRecord {
  /** The server sent the whole response. */
  finished: boolean;
  /** The connection closed before the server finished, and the server did not close it. */
  closedByClient: boolean;
}

/**
 * The requests a fake upstream received, in order, with whether each was finished by the server or
 * closed by the client — what specs wait on to prove that an unsubscribe aborted the upstream call.
 * Shared by every fake provider (OpenAI-compatible, Anthropic, Bedrock).
 */
export class RequestLedger<R extends LedgerRecord> {
  private entries: { record: R; closed: Promise<void> }[] = [];
  private waiters: (() => void)[] = [];
  /** Responses the server itself closed early (resets, `close()`): not the client's doing. */
  private readonly closedByServer = new WeakSet<ServerResponse>();
  private closing = false;

  /** @param name how errors name the fake (`fake bedrock: request 2 ...`) */
  constructor(private readonly name: string) {}

  /** How many requests arrived: the index the next one gets. */
  get size(): number {
    return this.entries.length;
  }

  get records(): R[] {
    return this.entries.map((entry) => entry.record);
  }

  /** Records `record`, answered through `res`; `finished` and `closedByClient` follow the response. */
  add(record: R, res: ServerResponse): void {
    const closed = new Promise<void>((resolve) => {
      res.on('close', () => {
        record.finished = res.writableFinished;
        record.closedByClient = !res.writableFinished && !this.closedByServer.has(res) && !this.closing;
        resolve();
      });
    });
    this.entries.push({ record, closed });
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** The server is about to close `res` itself (a reset behaviour). */
  closedByServerSide(res: ServerResponse): void {
    this.closedByServer.add(res);
  }

  /** The fake is shutting down: connections it drops now were not closed by clients. */
  shutDown(): void {
    this.closing = true;
  }

  /** Forgets every request. */
  reset(): void {
    this.entries = [];
  }

  /** Resolves with request `index` once it has arrived (rejects after `timeoutMs`). */
  waitForRequest(index: number, timeoutMs = 5_000): Promise<R> {
    return withTimeout(
      new Promise<R>((resolve) => {
        const check = (): void => {
          const entry = this.entries[index];
          if (entry === undefined) this.waiters.push(check);
          else resolve(entry.record);
        };
        check();
      }),
      timeoutMs,
      `${this.name}: request ${index}`,
    );
  }

  /** Resolves once the client closed request `index`'s connection before the server finished; rejects otherwise. */
  async waitForClose(index: number, timeoutMs = 5_000): Promise<R> {
    const started = Date.now();
    await this.waitForRequest(index, timeoutMs);
    const entry = this.entries[index];
    if (entry === undefined) throw new Error(`${this.name}: request ${index} was forgotten (reset)`);
    await withTimeout(entry.closed, Math.max(1, timeoutMs - (Date.now() - started)), `${this.name}: the client to close request ${index}`);
    if (!entry.record.closedByClient) {
      const how = entry.record.finished ? 'the server finished it' : 'the server closed it';
      throw new Error(`${this.name}: request ${index} was not closed by the client: ${how}`);
    }
    return entry.record;
  }
}
