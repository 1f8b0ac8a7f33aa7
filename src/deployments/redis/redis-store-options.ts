import type { RedisConnection } from '../../config/router-settings.js';
import { ConfigError, type ConfigIssue } from '../../errors/config-error.js';

/** A line the store has to say: that Redis became unreachable, that it came back. */
export type RedisStoreLog = (level: 'info' | 'warn', message: string, fields: Readonly<Record<string, string | number>>) => void;

/**
 * Where the fleet's shared deployment state lives and how the store talks to it. Give `url`, or
 * `host` (and `port`, `password`): LiteLLM's `redis_url` / `redis_host`, `redis_port`, `redis_password`.
 */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host[:port][/db]` (or `rediss://`). */
  readonly url?: string;
  readonly host?: string;
  /** Default 6379. */
  readonly port?: number;
  readonly password?: string;
  /**
   * Prefix of every key and of the pub/sub channel. Routers share state only with routers of the same
   * prefix: give each fleet (each config) its own when several share one Redis. Default `rxllm:`.
   */
  readonly keyPrefix?: string;
  /** How long any Redis command may take before it is given up (it never holds a request). Default 250 ms. */
  readonly commandTimeoutMs?: number;
  /** Writes are batched for this long into one pipeline and one message (a cooldown goes at once). Default 20 ms. */
  readonly flushIntervalMs?: number;
  /** How long an instance's in-flight leases outlive its last word (a dead instance's expire then). Default 3000 ms. */
  readonly leaseTtlMs?: number;
  /** Where the store says Redis went away (once per outage) and came back. Default: a line on stderr. */
  readonly log?: RedisStoreLog;
  /** This instance's id in the fleet. Default: random. */
  readonly instanceId?: string;
}

export interface ResolvedRedisStoreOptions {
  readonly url: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly password: string | undefined;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  readonly flushIntervalMs: number;
  readonly leaseTtlMs: number;
  readonly log: RedisStoreLog;
}

const stderrLog: RedisStoreLog = (level, message, fields) => {
  const extra = Object.entries(fields).map(([key, value]) => ` ${key}=${JSON.stringify(value)}`).join('');
  process.stderr.write(`rxllm ${level}: ${message}${extra}\n`);
};

function positive(value: number | undefined, fallback: number, path: string, issues: ConfigIssue[]): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) issues.push({ path, message: `expected a positive number of milliseconds, got ${String(value)}` });
  return value;
}

/** The options with their defaults, checked when the store is configured rather than when it connects. */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  const issues: ConfigIssue[] = [];
  if (options.url === undefined && options.host === undefined) issues.push({ path: 'url', message: 'expected a Redis url or host' });
  if (options.url !== undefined && !/^rediss?:\/\/./.test(options.url)) issues.push({ path: 'url', message: 'expected a redis:// or rediss:// URL' });
  const port = options.port ?? 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) issues.push({ path: 'port', message: `expected a port number (1-65535), got ${String(port)}` });
  const resolved = {
    url: options.url,
    host: options.host ?? '127.0.0.1',
    port,
    password: options.password,
    keyPrefix: options.keyPrefix ?? 'rxllm:',
    commandTimeoutMs: positive(options.commandTimeoutMs, 250, 'commandTimeoutMs', issues),
    flushIntervalMs: positive(options.flushIntervalMs, 20, 'flushIntervalMs', issues),
    leaseTtlMs: positive(options.leaseTtlMs, 3000, 'leaseTtlMs', issues),
    log: options.log ?? stderrLog,
  };
  if (issues.length > 0) throw new ConfigError(issues, 'invalid Redis store options');
  return resolved;
}

/**
 * The server as a log line may name it: `redis://host:port`, or the URL without its credentials.
 *
 * @example
 * describeRedis({ url: 'redis://:secret@cache:6380/2' }) // 'redis://cache:6380/2'
 */
export function describeRedis(options: { readonly url?: string | undefined; readonly host?: string | undefined; readonly port?: number | undefined }): string {
  if (options.url === undefined) return `redis://${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
  try {
    const url = new URL(options.url);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return 'redis://(invalid url)';
  }
}

/** The store options for the config's `redis_*` settings, with `log` when given. */
export function redisStoreOptions(connection: RedisConnection, log?: RedisStoreLog): RedisStoreOptions {
  return {
    ...(connection.url === undefined ? {} : { url: connection.url }),
    ...(connection.host === undefined ? {} : { host: connection.host }),
    ...(connection.port === undefined ? {} : { port: connection.port }),
    ...(connection.password === undefined ? {} : { password: connection.password }),
    ...(log === undefined ? {} : { log }),
  };
}
