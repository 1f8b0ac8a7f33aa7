import { Redis, type RedisOptions } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';
import { describeRedis, type ResolvedRedisStoreOptions } from './redis-store-options.js';

/** The store's two connections: commands (writes, re-reads) and the subscription (pushes). */
export interface RedisLink {
  readonly client: Redis;
  /** Whether the command connection is up now. */
  readonly reachable: boolean;
  /** Closes both connections at once (pending writes are dropped: they were fire-and-forget). */
  close(): void;
}

export interface RedisLinkHandlers {
  /** A message on the fleet's channel. */
  readonly message: (text: string) => void;
  /** Both connections are up and subscribed: time to re-read. `back`: after an outage (not the first connect). */
  readonly connected: (back: boolean) => void;
}

const ignore = (): void => {};

/**
 * Opens the connections with ioredis, chosen for what keeps Redis off a request's path:
 * `commandTimeout` (no command waits longer than a few hundred ms), `enableOfflineQueue: false`
 * (while Redis is away a write fails at once instead of piling up in memory), a reconnect strategy
 * of its own (every ≤ 500 ms, so a returning Redis is found within a second) and automatic
 * re-subscription of the channel after a reconnect.
 *
 * Says once per outage that Redis is unreachable (`warn`); the store says when it is synced again.
 */
export function connectRedis(options: ResolvedRedisStoreOptions, keys: RedisKeys, handlers: RedisLinkHandlers): RedisLink {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: Math.max(1000, options.commandTimeoutMs),
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, 500),
  };
  const client =
    options.url === undefined
      ? new Redis({ ...common, host: options.host, port: options.port, ...(options.password === undefined ? {} : { password: options.password }) })
      : new Redis(options.url, { ...common, ...(options.password === undefined ? {} : { password: options.password }) });
  // The subscription is not on any request's path: its SUBSCRIBE may wait for the connection.
  const subscriber = client.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
  const server = describeRedis(options);
  let closed = false;
  let down = false;
  let clientUp = false;
  let subscribed = false;

  const outage = (error?: Error): void => {
    clientUp = false;
    if (closed || down) return;
    down = true;
    options.log('warn', 'redis unreachable: deployment state stays local to this process until it returns', {
      redis: server,
      ...(error === undefined ? {} : { error: error.message }),
    });
  };
  const maybeConnected = (): void => {
    if (closed || !clientUp || !subscribed) return;
    const back = down;
    down = false;
    handlers.connected(back);
  };

  client.on('error', (error: Error) => outage(error));
  client.on('close', () => outage());
  client.on('ready', () => {
    clientUp = true;
    maybeConnected();
  });
  subscriber.on('error', ignore);
  subscriber.on('close', () => {
    subscribed = false;
  });
  subscriber.on('ready', () => {
    // PING is answered after the (re)subscription sent before it: from then on no push is missed.
    subscriber.ping().then(() => {
      subscribed = true;
      maybeConnected();
    }, ignore);
  });
  subscriber.on('message', (channel: string, text: string) => {
    if (channel === keys.channel) handlers.message(text);
  });
  subscriber.subscribe(keys.channel).catch(ignore);

  return {
    client,
    get reachable() {
      return client.status === 'ready';
    },
    close: () => {
      closed = true;
      client.disconnect();
      subscriber.disconnect();
    },
  };
}
