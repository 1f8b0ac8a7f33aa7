// The heavy-tailed OpenAI upstream of bench/hedging.mjs, in its own process so that the router's CPU
// never delays its timers. `POST /v1/chat/completions` with `stream: true` answers as OpenAI does
// (headers and the role-only chunk at once, then content chunks, a finish chunk and `[DONE]`); the
// first content chunk comes after a delay that depends on the body's `model`:
//
//   steady  20–50 ms, uniform
//   tail    the same, except 5 % of requests (seeded, so runs compare) wait TAIL_MS (default 3000 ms)
//
// Started with `fork()`: sends `{ port }` once listening; `{ type: 'stats' }` is answered with the
// requests per model and how many the client closed before the stream ended (aborted hedge losers).
import { createServer } from 'node:http';

const tailMs = Number(process.env.TAIL_MS ?? 3000);
const tailShare = Number(process.env.TAIL_SHARE ?? 0.05);

// mulberry32: the same slow requests in every run.
let seed = 20261202;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const chunk = (delta, finish = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-hedge', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const roleBytes = chunk({ role: 'assistant', content: '' });
const contentBytes = ['Hello', ' from', ' a', ' heavy', ' tail', '.'].map((text) => chunk({ content: text }));
const finishBytes = chunk({}, 'stop');
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

const stats = { requests: { steady: 0, tail: 0 }, slow: 0, aborted: 0 };

function stream(res, firstMs) {
  res.writeHead(200, sseHeaders);
  res.write(roleBytes);
  let index = 0;
  let done = false;
  res.on('close', () => {
    if (!done) stats.aborted += 1;
  });
  const step = () => {
    if (res.destroyed) return;
    if (index < contentBytes.length) {
      res.write(contentBytes[index++]);
      setTimeout(step, 2);
      return;
    }
    done = true;
    res.end(`${finishBytes}data: [DONE]\n\n`);
  };
  setTimeout(step, firstMs);
}

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    const model = body.model === 'tail' ? 'tail' : 'steady';
    stats.requests[model] += 1;
    let firstMs = 20 + random() * 30;
    if (model === 'tail' && random() < tailShare) {
      stats.slow += 1;
      firstMs = tailMs;
    }
    stream(res, firstMs);
  });
});
server.keepAliveTimeout = 65_000;

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('message', (message) => {
  if (message?.type === 'stats') {
    process.send({ ...stats, requests: { ...stats.requests } });
    stats.requests = { steady: 0, tail: 0 };
    stats.slow = 0;
    stats.aborted = 0;
  }
});
process.on('disconnect', () => process.exit(0));
