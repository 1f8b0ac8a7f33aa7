import { z } from 'zod';
import { count, fallbackList, flag, nonEmptyString, nonNegativeSeconds, positiveSeconds } from '../config/fields.js';
import { secondsToMs } from '../config/router-settings.js';
import { formatPath } from '../config/zod-issues.js';
import { BadRequestError } from '../errors/error-classes.js';
import type { FallbackEntry, RouterRequest } from '../protocol/chat.js';
import type { EmbeddingRouterRequest } from '../protocol/embedding.js';
import type { TextRouterRequest } from '../protocol/text-completion.js';
import { type CallKind, chatKind } from './call-kind.js';
import { deepestField, maxBodyDepth } from './deepest-field.js';

// The fields every kind shares: `model`, `stream`, and LiteLLM's per-request extras.
const commonFields = {
  model: nonEmptyString,
  stream: z.boolean({ error: 'expected true or false' }).nullable().optional(),
  // null means absent, as for OpenAI's own optional fields.
  timeout: positiveSeconds.nullish(),
  stream_timeout: positiveSeconds.nullish(),
  stream_idle_timeout: positiveSeconds.nullish(),
  num_retries: count.nullish(),
  fallbacks: z.union([z.array(nonEmptyString), fallbackList], { error: 'expected a list of model groups or of { group: [fallbacks] }' }).nullish(),
  disable_fallbacks: flag.nullish(),
  mock_response: z.string({ error: 'expected a string' }).nullish(),
  mock_timeout: flag.nullish(),
  mock_testing_fallbacks: flag.nullish(),
  cooldown_time: nonNegativeSeconds.nullish(),
  hedge_after: positiveSeconds.nullish(),
  max_hedges: count.nullish(),
  metadata: z.record(z.string(), z.unknown(), { error: 'expected an object' }).nullish(),
  tags: z.array(z.string({ error: 'expected a string' }), { error: 'expected a list of strings' }).nullish(),
};

function schemaOf(kind: CallKind) {
  return z.looseObject({ ...commonFields, ...kind.fields });
}

// Made once per kind: a request is parsed on every call.
const schemas = new Map<CallKind, ReturnType<typeof schemaOf>>();

/** The keys rxllm reads from a request and never sends upstream. */
export const extraKeys = [
  'timeout',
  'stream_timeout',
  'stream_idle_timeout',
  'num_retries',
  'fallbacks',
  'disable_fallbacks',
  'mock_response',
  'mock_timeout',
  'mock_testing_fallbacks',
  'cooldown_time',
  'hedge_after',
  'max_hedges',
  // LiteLLM's, not the provider's: kept for logs and routing, never forwarded (an OpenAI `metadata`
  // would be stored with the completion upstream, and other providers reject both).
  'metadata',
  'tags',
] as const;

/** A validated request: what to send upstream, and the router settings it overrides (milliseconds). */
export interface ParsedRequest {
  readonly kind: CallKind;
  readonly group: string;
  readonly stream: boolean;
  /** The OpenAI body without rxllm's extras (`model` is still the group; each attempt sets its own). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly timeoutMs: number | undefined;
  readonly streamTimeoutMs: number | undefined;
  readonly streamIdleTimeoutMs: number | undefined;
  readonly numRetries: number | undefined;
  /** Replaces the router's `fallbacks` for this call when set. */
  readonly fallbacks: readonly FallbackEntry[] | undefined;
  readonly disableFallbacks: boolean;
  readonly mockResponse: string | undefined;
  readonly mockTimeout: boolean;
  readonly mockTestingFallbacks: boolean;
  readonly cooldownTimeMs: number | undefined;
  /** Overrides the group's `hedge_after` for this call (DESIGN §12). */
  readonly hedgeAfterMs: number | undefined;
  /** Overrides the group's `max_hedges`; 0 turns hedging off for this call. */
  readonly maxHedges: number | undefined;
  /** LiteLLM's `metadata`: the caller's own labels for this call. */
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
  /** LiteLLM's `tags`. */
  readonly tags: readonly string[] | undefined;
}

function optionalMs(seconds: number | null | undefined): number | undefined {
  return seconds === undefined || seconds === null ? undefined : secondsToMs(seconds);
}

/** A request of any kind, as the Router's methods take them. */
export type AnyRouterRequest = RouterRequest | TextRouterRequest | EmbeddingRouterRequest;

/**
 * Validates a request of `kind` (chat by default) and splits it into the upstream body and rxllm's
 * per-request settings. Throws a 400 `BadRequestError` whose `param` is the first bad field and
 * whose message lists all.
 */
export function parseRequest(request: AnyRouterRequest, kind: CallKind = chatKind): ParsedRequest {
  let schema = schemas.get(kind);
  if (schema === undefined) {
    schema = schemaOf(kind);
    schemas.set(kind, schema);
  }
  // Before anything walks it recursively (zod, the upstream's JSON.stringify): a body nested
  // thousands of levels deep would overflow the stack and come back as a 500.
  const tooDeep = deepestField(request as Readonly<Record<string, unknown>>);
  if (tooDeep !== undefined) {
    throw new BadRequestError(`invalid request: ${tooDeep}: nested more than ${maxBodyDepth} levels deep`, { code: 'invalid_request', param: tooDeep });
  }
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
    const message = problems.map(({ path, message }) => (path === '' ? message : `${path}: ${message}`)).join('; ');
    throw new BadRequestError(`invalid request: ${message}`, {
      code: 'invalid_request',
      param: problems[0]?.path || null,
    });
  }
  const value = parsed.data;
  if (value.stream === true && !kind.streams) {
    throw new BadRequestError('invalid request: stream: embeddings do not stream', { code: 'invalid_request', param: 'stream' });
  }
  const body: Record<string, unknown> = { ...request };
  for (const key of extraKeys) delete body[key];
  const fallbacks = value.fallbacks ?? undefined;
  return {
    kind,
    group: value.model,
    stream: value.stream === true,
    body,
    timeoutMs: optionalMs(value.timeout),
    streamTimeoutMs: optionalMs(value.stream_timeout),
    streamIdleTimeoutMs: optionalMs(value.stream_idle_timeout),
    numRetries: value.num_retries ?? undefined,
    fallbacks:
      fallbacks === undefined
        ? undefined
        : fallbacks.every((item) => typeof item === 'string')
          ? [{ [value.model]: fallbacks as string[] }]
          : (fallbacks as FallbackEntry[]),
    disableFallbacks: value.disable_fallbacks ?? false,
    mockResponse: value.mock_response ?? undefined,
    mockTimeout: value.mock_timeout ?? false,
    mockTestingFallbacks: value.mock_testing_fallbacks ?? false,
    cooldownTimeMs: optionalMs(value.cooldown_time),
    hedgeAfterMs: optionalMs(value.hedge_after),
    maxHedges: value.max_hedges ?? undefined,
    metadata: value.metadata ?? undefined,
    tags: value.tags ?? undefined,
  };
}
