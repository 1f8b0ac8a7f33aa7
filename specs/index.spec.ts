// Pins rxllm's public surface: adding or removing a public name must be a deliberate change here.
import { describe, expect, it } from 'vitest';
import * as rxllm from '../src/index.js';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(rxllm).sort()).toEqual([
      'APIConnectionError',
      'AuthenticationError',
      'BadRequestError',
      'ConfigError',
      'ConflictError',
      'ContentPolicyViolationError',
      'ContextWindowExceededError',
      'InternalServerError',
      'NoDeploymentsAvailableError',
      'NotFoundError',
      'PermissionDeniedError',
      'RateLimitError',
      'RequestTimeoutError',
      'Router',
      'RxllmError',
      'ServiceUnavailableError',
      'UnprocessableEntityError',
      'UpstreamClientError',
      'attemptTimeout',
      'costBasedRouting',
      'createHttpProvider',
      'createOpenAICompatibleProvider',
      'createRedisDeploymentStore',
      'deadline',
      'deploymentSchema',
      'errorFromStatus',
      'exponentialBackoff',
      'fallback',
      'firstChunkTimeout',
      'hedge',
      'holdUntilContent',
      'idleTimeout',
      'isContentChunk',
      'isTextContent',
      'latencyBasedRouting',
      'leastBusy',
      'loadConfig',
      'parseRouterConfig',
      'probeDeployments',
      'redisDeploymentStore',
      'retryWithBackoff',
      'routerConfigSchema',
      'routerMetrics',
      'routingStrategies',
      'simpleShuffle',
      'startProxy',
      'streamTimeouts',
      'toRxllmError',
      'traceRouter',
      'usageBasedRoutingV2',
    ]);
  });

  it('every error class is an RxllmError with an OpenAI status', () => {
    const classes = [
      rxllm.BadRequestError,
      rxllm.ContextWindowExceededError,
      rxllm.ContentPolicyViolationError,
      rxllm.AuthenticationError,
      rxllm.PermissionDeniedError,
      rxllm.NotFoundError,
      rxllm.RequestTimeoutError,
      rxllm.ConflictError,
      rxllm.UnprocessableEntityError,
      rxllm.UpstreamClientError,
      rxllm.RateLimitError,
      rxllm.NoDeploymentsAvailableError,
      rxllm.InternalServerError,
      rxllm.APIConnectionError,
      rxllm.ServiceUnavailableError,
    ];
    expect(classes.map((Class) => new Class('x')).map((error) => [error instanceof rxllm.RxllmError, error.status])).toEqual([
      [true, 400],
      [true, 400],
      [true, 400],
      [true, 401],
      [true, 403],
      [true, 404],
      [true, 408],
      [true, 409],
      [true, 422],
      [true, 400],
      [true, 429],
      [true, 429],
      [true, 500],
      [true, 502],
      [true, 503],
    ]);
  });
});

describe('packaging', () => {
  it('takes rxjs as a peer dependency, so an app and rxllm share one copy and its TestScheduler virtualises rxllm’s timers', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    expect(manifest.peerDependencies?.['rxjs']).toMatch(/^\^7\./);
    expect(manifest.dependencies?.['rxjs']).toBeUndefined();
    expect(manifest.devDependencies?.['rxjs']).toBe(manifest.peerDependencies?.['rxjs']);
  });
});
