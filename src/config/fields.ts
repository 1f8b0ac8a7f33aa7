import { z } from 'zod';
import { describeUrl, isHttpUrl } from './http-url.js';
import { maxDurationSeconds } from './limits.js';
import { describeValue } from './zod-issues.js';

// Field schemas shared by the Router config, deployments and requests. Numbers also accept numeric
// strings, because values read through `os.environ/NAME` (and from YAML quoted scalars) are strings.

function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return value;
  }, schema);
}

function expected(what: string) {
  return (issue: { input?: unknown }) => `expected ${what}, got ${describeValue(issue.input)}`;
}

/** The error of an object schema: what it expected when given something else (other issues keep theirs). */
export function expectedObject(what: string) {
  return (issue: { code?: string; input?: unknown }) =>
    issue.code === 'invalid_type' ? `expected ${what}, got ${describeValue(issue.input)}` : undefined;
}

const tooLong = expected(`at most ${maxDurationSeconds} seconds (24.8 days, the longest timer Node can set)`);

/** A duration in seconds, > 0 (and no longer than a timer can wait). */
export const positiveSeconds = numeric(
  z
    .number({ error: expected('a positive number of seconds') })
    .positive({ error: expected('a positive number of seconds') })
    .max(maxDurationSeconds, { error: tooLong }),
);

/** A duration in seconds, ≥ 0 (0 disables; no longer than a timer can wait). */
export const nonNegativeSeconds = numeric(
  z
    .number({ error: expected('a number of seconds ≥ 0') })
    .nonnegative({ error: expected('a number of seconds ≥ 0') })
    .max(maxDurationSeconds, { error: tooLong }),
);

/** A whole number ≥ 0 (retries, fails, hops). */
export const count = numeric(
  z.number({ error: expected('a whole number ≥ 0') }).int({ error: expected('a whole number ≥ 0') }).nonnegative({
    error: expected('a whole number ≥ 0'),
  }),
);

/** A number > 0 (rpm, tpm, weight). */
export const positiveNumber = numeric(
  z.number({ error: expected('a positive number') }).positive({ error: expected('a positive number') }),
);

/** A number ≥ 0 (costs, weights that may be zero). */
export const nonNegativeNumber = numeric(
  z.number({ error: expected('a number ≥ 0') }).nonnegative({ error: expected('a number ≥ 0') }),
);

export const flag = z.preprocess(
  (value) => (value === 'true' ? true : value === 'false' ? false : value),
  z.boolean({ error: expected('true or false') }),
);

export const nonEmptyString = z
  .string({ error: expected('a string') })
  .min(1, { error: 'expected a non-empty string' });

const notHttpUrl = (issue: { input?: unknown }) => `expected an http(s) URL, got ${describeUrl(issue.input)}`;

/**
 * An absolute http(s) URL with a host (`api_base`): anything else would load, then fail every call
 * with "Invalid URL" after all its retries. Quoted in messages with its credentials redacted.
 */
export const httpUrl = z.string({ error: notHttpUrl }).refine(isHttpUrl, { error: notHttpUrl });

/** `[{ "group": ["fallback", ...] }, ...]`, LiteLLM's shape for every fallbacks list. */
export const fallbackList = z.array(z.record(z.string(), z.array(nonEmptyString, { error: expected('a list of model group names') })), {
  error: expected('a list of { group: [fallback groups] } entries'),
});

/** A TCP port, 1–65535 (`redis_port`; a numeric string from `os.environ/REDIS_PORT` too). */
export const tcpPort = numeric(
  z.number({ error: expected('a port number (1-65535)') }).int({ error: expected('a port number (1-65535)') }).min(1, {
    error: expected('a port number (1-65535)'),
  }).max(65_535, { error: expected('a port number (1-65535)') }),
);

const notRedisUrl = (issue: { input?: unknown }) => `expected a redis:// or rediss:// URL, got ${describeUrl(issue.input)}`;

/** `redis_url`: `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. Quoted in messages with its password redacted. */
export const redisUrl = z.string({ error: notRedisUrl }).refine(
  (text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
    } catch {
      return false;
    }
  },
  { error: notRedisUrl },
);
