// Half-open recovery (DESIGN §12) against LiteLLM's "all traffic back when the TTL ends", in
// virtual time (a TestScheduler: the figures are counts and simulated latencies, not speeds, and
// the same on every machine). Group `g`: deployments `a` and `b`, simple-shuffle, 50 calls/s for
// 120 s; `b` always answers in 200 ms; `a` is down from 10 s to 70 s, then answers like `b`.
// Down means hanging until its `timeout` (2 s, counted: it cools `a`) or a 503 after 50 ms.
// Printed per run: upstream calls sent to `a` while it was down (before its first cooldown, and
// after a cooldown ended), calls that waited on `a` (a failed attempt, then a retry), call latency,
// and how long after `a` came back its first call succeeded — the price of the doubling, which a
// lower `max_cooldown_time` (third run) bounds.
// node bench/half-open.mjs   (after `npm run build`)
import { map, NEVER, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Router, ServiceUnavailableError } from '../dist/index.js';
import { completion } from './lib/fixtures.mjs';

const downFrom = 10_000;
const downUntil = 70_000;
const durationMs = 120_000;
const everyMs = 20;

/** mulberry32: the same shuffle in every run. */
function seeded(seed) {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function run(outage, probeRequests, maxCooldownTime) {
  const scheduler = new TestScheduler(() => undefined);
  const result = { toDownA: 0, beforeFirstCooldown: 0, afterCooldowns: 0, waited: 0, failedCalls: 0, latencies: [], recoveredAfterMs: undefined };
  scheduler.run(() => {
    let cooledOnce = false;
    const provider = {
      call: (request) => {
        const now = scheduler.now();
        const down = request.deployment.id === 'a' && now >= downFrom && now < downUntil;
        if (down) {
          result.toDownA += 1;
          if (cooledOnce) result.afterCooldowns += 1;
          else result.beforeFirstCooldown += 1;
          return outage === 'hang' ? NEVER : timer(50, scheduler).pipe(map(() => { throw new ServiceUnavailableError('down'); }));
        }
        return timer(200, scheduler).pipe(map(() => ({ ...completion, model: request.deployment.id })));
      },
    };
    const router = new Router(
      {
        model_list: ['a', 'b'].map((id) => ({ model_name: 'g', litellm_params: { model: `openai/${id}`, api_key: 'sk-bench', timeout: 2 }, model_info: { id } })),
        timeout: 30,
        num_retries: 2,
        cooldown_time: 5,
        cooldown_probe_requests: probeRequests,
        ...(maxCooldownTime === undefined ? {} : { max_cooldown_time: maxCooldownTime }),
      },
      { scheduler, provider, env: {}, random: seeded(7) },
    );
    router.events$.subscribe((event) => {
      if (event.type === 'cooldownStarted' && event.deployment === 'a') cooledOnce = true;
      if (event.type === 'attemptSucceeded' && event.deployment === 'a' && event.at >= downUntil && result.recoveredAfterMs === undefined) {
        result.recoveredAfterMs = event.at - event.latencyMs - downUntil;
      }
      if (event.type === 'attemptFailed' && event.deployment === 'a') result.waited += 1;
    });
    for (let at = 0; at < durationMs; at += everyMs) {
      scheduler.schedule(() => {
        const start = scheduler.now();
        router.completion$({ model: 'g', messages: [{ role: 'user', content: 'hi' }] }).subscribe({
          complete: () => result.latencies.push(scheduler.now() - start),
          error: () => {
            result.failedCalls += 1;
            result.latencies.push(scheduler.now() - start);
          },
        });
      }, at);
    }
    scheduler.schedule(() => void router.close(), durationMs + 60_000);
  });
  result.latencies.sort((x, y) => x - y);
  return result;
}

console.log(`a down ${downFrom / 1000}–${downUntil / 1000} s; ${durationMs / everyMs} calls at ${1000 / everyMs}/s; cooldown_time 5 s, max_cooldown_time 300 s (default), num_retries 2`);
for (const outage of ['hang', '503']) {
  for (const [label, probes, cap] of [
    ['LiteLLM-style (cooldown_probe_requests 0)', 0, undefined],
    ['half-open (cooldown_probe_requests 1)', 1, undefined],
    ['half-open, max_cooldown_time 10 s', 1, 10],
  ]) {
    const r = run(outage, probes, cap);
    const mean = r.latencies.reduce((sum, ms) => sum + ms, 0) / r.latencies.length;
    console.log(
      [
        `${outage === 'hang' ? 'a hangs until timeout 2 s' : 'a answers 503 in 50 ms'} · ${label}:`,
        `  calls sent to a while down: ${r.toDownA} (${r.beforeFirstCooldown} before its first cooldown, ${r.afterCooldowns} after a cooldown ended)`,
        `  attempts failed on a (each a caller waiting, then retried): ${r.waited}; calls failed: ${r.failedCalls}`,
        `  call latency (virtual ms): mean ${mean.toFixed(0)}, p99 ${percentile(r.latencies, 99)}, p99.9 ${percentile(r.latencies, 99.9)}, max ${r.latencies.at(-1)}`,
        `  a's first success came ${r.recoveredAfterMs === undefined ? 'never' : `${(r.recoveredAfterMs / 1000).toFixed(1)} s`} after it was back up`,
      ].join('\n'),
    );
  }
}
