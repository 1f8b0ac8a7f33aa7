// Sequential calls (1 in flight) to the mock upstream: wall and CPU (user / system) per call, for
// the Router over undici, its provider alone, and a bare undici.request.
// node bench/seq-prof.mjs [router|provider|bare]   (after `npm run build`; pin it: taskset -c 0)
import { lastValueFrom } from 'rxjs';
import { Agent, request as undiciRequest } from 'undici';
import { Router, createOpenAICompatibleProvider, parseRouterConfig } from '../dist/index.js';
import { messages, request, routerConfig } from './lib/fixtures.mjs';
import { startNode, stop } from './lib/processes.mjs';

const which = process.argv[2] ?? 'router';
const { child, message } = await startNode(new URL('./mock-upstream.mjs', import.meta.url).pathname, [], { core: 1 });
const base = `http://127.0.0.1:${message.port}/v1`;
const router = new Router(routerConfig(base), { env: {} });
const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
const provider = createOpenAICompatibleProvider({ dispatcher: agent });
const [deployment] = parseRouterConfig(routerConfig(base), {}).deployments;
const calls = {
  router: () => lastValueFrom(router.completion$(request)),
  provider: () => lastValueFrom(provider.call({ deployment, body: { model: 'bench-a', messages }, stream: false })),
  bare: async () => {
    const response = await undiciRequest(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench-a', messages }),
      dispatcher: agent,
    });
    return JSON.parse(await response.body.text());
  },
};
const call = calls[which];
for (let i = 0; i < 2000; i++) await call();
const t = process.hrtime.bigint();
const cpu = process.cpuUsage();
for (let i = 0; i < 5000; i++) await call();
const used = process.cpuUsage(cpu);
const f = (n) => (n / 5000).toFixed(0);
console.log(which, 'wall µs/call', f(Number(process.hrtime.bigint() - t) / 1e3), 'user', f(used.user), 'system', f(used.system));
await router.close();
await agent.close();
await stop(child);
