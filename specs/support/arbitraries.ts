// fast-check arbitraries for the Router's property specs: routers of 1–3 model groups of 1–3
// deployments with their clocks, retries, cooldowns and fallbacks; upstream behaviours per call;
// calls of each kind (chat, text completion, embeddings) with their overrides; and callers of each API. Small virtual times (tens of ms) so that
// clocks, answers and hangs collide often.
import fc from 'fast-check';
import type { RoutingStrategyName } from '../../src/config/router-config-schema.js';
import type { CallKindName } from '../../src/router/call-kind.js';
import type {
  Behaviour,
  Caller,
  CallSpec,
  ClockSettings,
  DeploymentParams,
  DeploymentSpec,
  RequestSpec,
  RouterSpec,
  Scenario,
  UpstreamFault,
} from './scenario.js';

const faults: readonly UpstreamFault[] = [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503, 529, 'connection'];

/** Seconds from whole ms in [min, max], as configs and requests take them. */
function seconds(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min, max }).map((ms) => ms / 1000);
}

/** `arbitrary` now and then, else undefined (`odds` to one). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, odds = 2): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** The object without its undefined fields, so that optional keys are absent (exactOptionalPropertyTypes). */
function compact<T extends object>(object: { readonly [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

const at = fc.integer({ min: 0, max: 40 });
const gaps = fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 3 });
const fault = fc.constantFrom(...faults);

export const behaviourArbitrary: fc.Arbitrary<Behaviour> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('answer' as const), at, gaps, preamble: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      at,
      fault,
      retryAfter: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stall' as const), at, gaps, preamble: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('breaks' as const), at, gaps, after: fc.integer({ min: 0, max: 30 }), fault }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('empty' as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('late' as const), at, gaps, after: fc.integer({ min: 1, max: 60 }) }) },
);

// 0 (off), up to 2 s, or short enough (10–100 ms) to end while calls still come: half-open probes (DESIGN §12).
const cooldownTime = fc.oneof(fc.constant(0), seconds(10, 2000), seconds(10, 100));

const clockSettings: fc.Arbitrary<ClockSettings> = fc
  .record({
    timeout: sometimes(seconds(5, 80)),
    stream_timeout: sometimes(seconds(5, 60)),
    stream_idle_timeout: sometimes(seconds(5, 40)),
    num_retries: sometimes(fc.integer({ min: 0, max: 3 })),
    cooldown_time: sometimes(cooldownTime, 3),
  })
  .map((settings) => compact<ClockSettings>(settings));

// Every attempt at the deployment hangs (rarely: it makes the whole deployment useless).
const deploymentParams: fc.Arbitrary<DeploymentParams> = fc
  .tuple(clockSettings, sometimes(fc.constant(true), 12))
  .map(([clocks, mockTimeout]) => compact<DeploymentParams>({ ...clocks, mock_timeout: mockTimeout }));

// No rpm / tpm / max_parallel_requests are set, so every strategy can always pick a healthy deployment.
const routingStrategy = fc.constantFrom('simple-shuffle', 'least-busy', 'latency-based-routing', 'usage-based-routing-v2', 'cost-based-routing') satisfies fc.Arbitrary<RoutingStrategyName>;

function groupName(index: number): string {
  return `g${index}`;
}

/** Deployments of `groups[i]`, `sizes[i]` of them, each with its clocks and upstream script. */
function deploymentsArbitrary(sizes: readonly number[]): fc.Arbitrary<DeploymentSpec[]> {
  const specs = sizes.flatMap((size, group) =>
    Array.from({ length: size }, (_, index) =>
      fc.record({ params: deploymentParams, script: fc.array(behaviourArbitrary, { minLength: 1, maxLength: 4 }) }).map(
        ({ params, script }): DeploymentSpec => ({ id: `${groupName(group)}-d${index}`, group: groupName(group), params, script }),
      ),
    ),
  );
  return fc.tuple(...specs);
}

/** For each group, maybe a list of the other groups to fall back to, in some order. */
function fallbacksArbitrary(groups: readonly string[]): fc.Arbitrary<Record<string, string[]>[] | undefined> {
  if (groups.length < 2) return fc.constant(undefined);
  const perGroup = groups.map((group) =>
    sometimes(fc.shuffledSubarray(groups.filter((other) => other !== group), { minLength: 1 }), 1).map((targets) =>
      targets === undefined ? undefined : { [group]: targets },
    ),
  );
  return fc.tuple(...perGroup).map((entries) => {
    const present = entries.filter((entry) => entry !== undefined);
    return present.length === 0 ? undefined : present;
  });
}

/**
 * A router: 1–3 groups of 1–3 deployments (`minFirstGroup` at least in `g0`), router clocks,
 * retries, cooldown settings and fallbacks between groups.
 */
export function routerArbitrary(minFirstGroup = 1): fc.Arbitrary<RouterSpec> {
  return fc
    .tuple(fc.integer({ min: minFirstGroup, max: 3 }), fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }))
    .chain(([firstSize, otherSizes]) => {
      const sizes = [firstSize, ...otherSizes];
      const groups = sizes.map((_, index) => groupName(index));
      return fc.record({
        groups: fc.constant(groups),
        deployments: deploymentsArbitrary(sizes),
        settings: fc
          .record({
            timeout: sometimes(seconds(20, 400), 1),
            stream_timeout: sometimes(seconds(5, 60)),
            stream_idle_timeout: sometimes(seconds(5, 40)),
            num_retries: sometimes(fc.integer({ min: 0, max: 3 })),
            cooldown_time: sometimes(cooldownTime, 3),
            allowed_fails: sometimes(fc.integer({ min: 0, max: 3 })),
            routing_strategy: sometimes(routingStrategy),
            disable_cooldowns: sometimes(fc.constant(true), 5),
            // Cooldowns of 10 ms to 2 s end within a run: their deployments go half-open, and probes
            // (one by default, none, or two at once) fail, re-cool for twice as long (up to 2–4 s), or close.
            cooldown_probe_requests: sometimes(fc.integer({ min: 0, max: 2 })),
            max_cooldown_time: sometimes(seconds(2000, 4000)),
            fallbacks: fallbacksArbitrary(groups),
          })
          .map((settings) => compact<RouterSpec['settings']>(settings)),
      });
    });
}

/** A request to one of `groups` (`g0` `firstGroupOdds` times as often as each other), with overrides. */
export function requestArbitrary(groups: readonly string[], firstGroupOdds = 1): fc.Arbitrary<RequestSpec> {
  const [firstGroup, ...others] = groups;
  const model = fc.oneof(
    { weight: firstGroupOdds, arbitrary: fc.constant(firstGroup ?? 'g0') },
    ...others.map((group) => ({ weight: 1, arbitrary: fc.constant(group) })),
  );
  return model.chain((group) =>
    fc
      .record({
        model: fc.constant(group),
        stream: fc.boolean(),
        timeout: sometimes(seconds(10, 300)),
        stream_timeout: sometimes(seconds(3, 60)),
        stream_idle_timeout: sometimes(seconds(3, 40)),
        num_retries: sometimes(fc.integer({ min: 0, max: 3 })),
        mock_timeout: sometimes(fc.constant(true), 4),
        mock_testing_fallbacks: sometimes(fc.constant(true), 6),
        fallbacks: groups.length < 2 ? fc.constant(undefined) : sometimes(fc.shuffledSubarray(groups.filter((other) => other !== group)), 4),
        disable_fallbacks: sometimes(fc.constant(true), 8),
        cooldown_time: sometimes(fc.oneof(fc.constant(0), seconds(10, 2000)), 8),
      })
      .map((request) => compact<RequestSpec>(request)),
  );
}

export const callerArbitrary: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'observe' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), after: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'promise' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'drain' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('break' as const), after: fc.integer({ min: 0, max: 60 }) }) },
);

/**
 * When a call starts (ms): mostly within 150 ms, so that calls overlap and collide with each other's
 * clocks; a third up to 6 s later, after cooldowns (5 s by default) have ended, to probe half-open deployments.
 */
const callTime = fc.oneof({ weight: 2, arbitrary: fc.integer({ min: 0, max: 150 }) }, { weight: 1, arbitrary: fc.integer({ min: 150, max: 6000 }) });

/** Chat as often as the other two together: most rules were first written for it. */
const callKind = fc.oneof(
  { weight: 2, arbitrary: fc.constant('chat' as const) },
  { weight: 1, arbitrary: fc.constant('text_completion' as const) },
  { weight: 1, arbitrary: fc.constant('embedding' as const) },
) satisfies fc.Arbitrary<CallKindName>;

/** Embeddings never stream: their caller observes, leaves or awaits, and their request has no stream clocks. */
const embeddingCallerArbitrary: fc.Arbitrary<Caller> = callerArbitrary.map((caller) =>
  caller.kind === 'drain' ? { kind: 'observe' } : caller.kind === 'break' ? { kind: 'unsubscribe', after: caller.after } : caller,
);

/**
 * A call: when it starts, its kind, its request, its caller; the request streams exactly when the
 * caller's API does (and never for embeddings). The kind is drawn per call, so every run mixes
 * kinds at the same router rather than multiplying the runs.
 */
function callArbitrary(groups: readonly string[], firstGroupOdds: number): fc.Arbitrary<CallSpec> {
  return callKind.chain((kind) =>
    fc
      .record({
        at: callTime,
        request: requestArbitrary(groups, firstGroupOdds),
        caller: kind === 'embedding' ? embeddingCallerArbitrary : callerArbitrary,
      })
      .map(({ at, request, caller }): CallSpec => {
        if (kind === 'embedding') {
          const { stream_timeout: _first, stream_idle_timeout: _idle, ...rest } = request;
          return { at, kind, request: { ...rest, stream: false }, caller };
        }
        const stream = caller.kind === 'promise' ? false : caller.kind === 'drain' || caller.kind === 'break' ? true : request.stream;
        return { at, kind, request: { ...request, stream }, caller };
      }),
  );
}

/** Hedging (DESIGN §12) for a router: on a third of them, with a budget from none to plenty. */
const routerHedging = fc
  .record({
    hedge_after: sometimes(seconds(3, 40)),
    max_hedges: sometimes(fc.integer({ min: 0, max: 2 })),
    hedge_budget: sometimes(fc.constantFrom(0, 0.5, 10, 10), 1),
  })
  .map((settings) => compact<Pick<RouterSpec['settings'], 'hedge_after' | 'max_hedges' | 'hedge_budget'>>(settings));

/** Hedging a request sets for itself, now and then. */
const requestHedging = fc
  .record({ hedge_after: sometimes(seconds(3, 40), 8), max_hedges: sometimes(fc.integer({ min: 0, max: 2 }), 8) })
  .map((settings) => compact<Pick<RequestSpec, 'hedge_after' | 'max_hedges'>>(settings));

/**
 * `scenario` with hedging drawn after everything else and laid over it, so that adding it left the
 * rest of each case (and the cases drawn from the fixed seed) as they were.
 */
function withHedging(scenario: fc.Arbitrary<Scenario>): fc.Arbitrary<Scenario> {
  return fc
    .tuple(scenario, routerHedging, fc.array(requestHedging, { minLength: 8, maxLength: 8 }))
    .map(([drawn, router, requests]) => ({
      ...drawn,
      router: { ...drawn.router, settings: { ...drawn.router.settings, ...router } },
      calls: drawn.calls.map((call, index) => ({ ...call, request: { ...call.request, ...requests[index] } })),
    }));
}

/** Any router, and 1–5 calls to it. */
export const scenarioArbitrary: fc.Arbitrary<Scenario> = withHedging(
  routerArbitrary().chain((router) =>
    fc.record({
      router: fc.constant(router),
      calls: fc.array(callArbitrary(router.groups, 1), { minLength: 1, maxLength: 5 }),
      seed: fc.noBias(fc.integer()),
    }),
  ),
);

/** The id of the deployment that `healthScenarioArbitrary` keeps healthy. */
export const healthyDeployment = 'g0-d0';

/**
 * The shortest clock the configuration sets for a deployment (ms): its `timeout`, `stream_timeout`,
 * `stream_idle_timeout`, and the router's stream clocks. Undefined when none is set.
 */
export function shortestConfiguredClockMs(router: RouterSpec, id: string): number | undefined {
  const params = router.deployments.find((deployment) => deployment.id === id)?.params ?? {};
  const clocks = [
    params.timeout,
    params.stream_timeout,
    params.stream_idle_timeout,
    router.settings.stream_timeout,
    router.settings.stream_idle_timeout,
  ].filter((clock) => clock !== undefined);
  return clocks.length === 0 ? undefined : Math.round(Math.min(...clocks) * 1000);
}

/** An answer that every clock of `shortestMs` lets through: the whole of it within `shortestMs - 1` ms. */
function healthyAnswer(shortestMs: number | undefined): fc.Arbitrary<Behaviour> {
  const step = Math.floor(((shortestMs ?? 200) - 1) / 4);
  const time = fc.integer({ min: 0, max: step });
  return fc.record({ kind: fc.constant('answer' as const), at: time, gaps: fc.array(time, { maxLength: 3 }), preamble: fc.boolean() });
}

/**
 * DESIGN §6's setting: `g0` has two or more deployments and `g0-d0` always answers within every clock
 * its configuration sets. Cooldowns are on and as touchy as they get (`allowed_fails` 0 or the
 * default), the router sets no deadline of its own (600 s, far beyond anything the upstreams do), and
 * 1–8 calls, mostly to `g0`, do whatever requests and callers may do, hedging included (a lost race
 * must not count against it either).
 */
export const healthScenarioArbitrary: fc.Arbitrary<Scenario> = withHedging(routerArbitrary(2)
  .map((router): RouterSpec => {
    const { allowed_fails, cooldown_time } = router.settings;
    return {
      ...router,
      settings: compact<RouterSpec['settings']>({
        ...router.settings,
        timeout: undefined,
        disable_cooldowns: undefined,
        allowed_fails: allowed_fails === undefined ? undefined : 0,
        cooldown_time: cooldown_time === 0 ? undefined : cooldown_time,
      }),
      deployments: router.deployments.map((deployment) =>
        deployment.id === healthyDeployment
          ? {
              ...deployment,
              params: compact<DeploymentParams>({
                ...deployment.params,
                mock_timeout: undefined,
                cooldown_time: deployment.params.cooldown_time === 0 ? undefined : deployment.params.cooldown_time,
              }),
            }
          : deployment,
      ),
    };
  })
  .chain((router) =>
    fc.record({
      router: fc.array(healthyAnswer(shortestConfiguredClockMs(router, healthyDeployment)), { minLength: 1, maxLength: 3 }).map(
        (script): RouterSpec => ({
          ...router,
          deployments: router.deployments.map((deployment) => (deployment.id === healthyDeployment ? { ...deployment, script } : deployment)),
        }),
      ),
      calls: fc.array(callArbitrary(router.groups, 4), { minLength: 1, maxLength: 8 }),
      seed: fc.noBias(fc.integer()),
    }),
  ));
