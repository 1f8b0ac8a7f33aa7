// Hedging (DESIGN §12) against a heavy tail, in one run: two deployments of one group behind a local
// OpenAI SSE upstream (bench/hedge-upstream.mjs, its own process); one of them sends 5 % of its first
// chunks after 3 s, the rest after 20–50 ms. N streamed requests at a fixed concurrency go through a
// Router (the library, plain node on dist/), with hedging off and then on (`hedge_after` ≈ the normal
// case's p95 and a little more, default `hedge_budget` of 10 %). Prints time to first content chunk
// (p50, p95, p99, max, as the caller saw it) and the upstream calls made beyond one per request.
//
//   node bench/hedging.mjs [--quick]      (npm run build first; `npm run bench -- hedging` does both)
import { fileURLToPath } from 'node:url';
import { Router } from '../dist/index.js';
import { ask, coreFor, startNode } from './lib/processes.mjs';
import { fmt, nowMs, percentile, sortNumbers, table } from './lib/stats.mjs';

const quick = process.argv.includes('--quick');
const requests = Number(process.env.HEDGE_REQUESTS ?? (quick ? 400 : 2000));
const concurrency = Number(process.env.HEDGE_CONCURRENCY ?? 20);
const hedgeAfter = Number(process.env.HEDGE_AFTER ?? 0.2);

const { child: upstream, message } = await startNode(fileURLToPath(new URL('./hedge-upstream.mjs', import.meta.url)), [], { core: coreFor('client') });
const apiBase = `http://127.0.0.1:${message.port}/v1`;

function routerFor(hedging) {
  return new Router({
    model_list: ['steady', 'tail'].map((name) => ({
      model_name: 'bench',
      litellm_params: { model: `openai/${name}`, api_base: apiBase, api_key: 'sk-bench' },
      model_info: { id: name },
    })),
    // A slow first chunk is no failure here: no clock may cut it, nothing may cool.
    timeout: 30,
    disable_cooldowns: true,
    ...(hedging ? { hedge_after: hedgeAfter } : {}),
  });
}

const request = { model: 'bench', messages: [{ role: 'user', content: 'Hi' }], stream: true };

/** Runs `count` streamed calls, `concurrency` at a time; resolves with each call's TTFC (ms). */
async function load(router, count) {
  const ttfc = [];
  let next = 0;
  const one = async () => {
    while (next < count) {
      next += 1;
      const started = nowMs();
      let first;
      await new Promise((resolve, reject) => {
        router.completion$(request).subscribe({
          next: (chunk) => {
            if (first === undefined && chunk.choices[0]?.delta?.content) first = nowMs() - started;
          },
          error: reject,
          complete: resolve,
        });
      });
      ttfc.push(first ?? Number.NaN);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return ttfc;
}

async function measure(hedging) {
  const router = routerFor(hedging);
  // Warm-up: JIT, connections, and a full minute-window of attempts for the budget to count from.
  await load(router, Math.min(200, requests / 5));
  await ask(upstream, { type: 'stats' });
  const counts = { attempts: 0, hedges: 0, skipped: 0 };
  const events = router.events$.subscribe((event) => {
    if (event.type === 'attemptStarted') counts.attempts += 1;
    else if (event.type === 'hedgeStarted') counts.hedges += 1;
    else if (event.type === 'hedgeSkipped') counts.skipped += 1;
  });
  const started = nowMs();
  const ttfc = sortNumbers(await load(router, requests));
  const seconds = (nowMs() - started) / 1000;
  events.unsubscribe();
  const served = await ask(upstream, { type: 'stats' });
  await router.close();
  return { ttfc, seconds, counts, served };
}

const off = await measure(false);
const on = await measure(true);
upstream.disconnect();

const row = (name, { ttfc, seconds, counts, served }) => {
  const upstreamCalls = served.requests.steady + served.requests.tail;
  return [
    name,
    fmt(percentile(ttfc, 50), 1),
    fmt(percentile(ttfc, 95), 1),
    fmt(percentile(ttfc, 99), 1),
    fmt(ttfc[ttfc.length - 1], 1),
    `${upstreamCalls}`,
    `${fmt(((upstreamCalls - requests) / requests) * 100, 2)} %`,
    `${counts.hedges} / ${counts.skipped}`,
    `${served.slow}`,
    `${served.aborted}`,
    fmt(requests / seconds, 0),
  ];
};
const cut = percentile(off.ttfc, 99) / percentile(on.ttfc, 99);
const out = [
  '',
  `## hedging: ${requests} streamed calls, ${concurrency} at a time, two deployments (one with 5 % of first chunks at 3 s), hedge_after ${hedgeAfter} s, hedge_budget 10 %`,
  '',
  table(
    ['hedging', 'TTFC p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'upstream calls', 'extra', 'hedges / skipped', 'slow upstream', 'aborted upstream', 'calls/s'],
    [row('off', off), row(`on (${hedgeAfter} s)`, on)],
  ),
  '',
  `p99 TTFC cut ${fmt(cut, 1)}× for ${fmt(((on.served.requests.steady + on.served.requests.tail - requests) / requests) * 100, 2)} % extra upstream calls (goal: ≥ 5× for ≤ 10 %).`,
  '',
].join('\n');
process.stdout.write(out);
