// A lean OpenAI-compatible upstream for the benchmarks, run as its own process so that its CPU is
// not the router's. Answers `POST /v1/chat/completions` and `/chat/completions` from pre-serialised
// bytes; what it does depends on the body's `model`:
//
//   anything else  `stream: false`: one JSON completion; `stream: true`: the 20-chunk stream, one
//                  write per SSE event with a `setImmediate` between them (no artificial delay, but
//                  each event leaves as its own write, as a real token stream does), then [DONE].
//   open-*         a stream that never ends: role chunk and one content chunk at once, then one
//                  chunk per stream every `TICK_MS`, until the client closes. Streams are spread over
//                  `TICK_SLOTS` slots (default 1000; one slot written every TICK_MS / TICK_SLOTS ms), so
//                  chunks arrive evenly, as a fleet of independent token streams would send them.
//   hang           never answers; records when the client closes the connection (the abort).
//
// Started with `fork()`: it sends `{ port }` once listening; `{ type: 'aborts' }` is answered with
// `{ aborts: [[user, closeAtMs]...] }` (the body's `user`; CLOCK_MONOTONIC ms, comparable with the parent's) and
// `{ type: 'stats' }` with its open-stream count and the TCP connections it accepted. Standalone: `node bench/mock-upstream.mjs 8090`.
import { createServer } from 'node:http';
import { chunks, completion, firstContentChunk, roleChunk, tickChunk } from './lib/fixtures.mjs';
import { evenTicks } from './lib/even-ticks.mjs';
import { nowMs } from './lib/stats.mjs';

const tickMs = Number(process.env.TICK_MS ?? 1000);
const completionBytes = Buffer.from(JSON.stringify(completion));
const events = chunks.map((chunk) => Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`));
const doneBytes = Buffer.from('data: [DONE]\n\n');
const openHead = Buffer.from(`data: ${JSON.stringify(roleChunk)}\n\ndata: ${JSON.stringify(firstContentChunk)}\n\n`);
const tickBytes = Buffer.from(`data: ${JSON.stringify(tickChunk)}\n\n`);
const jsonHeaders = { 'content-type': 'application/json', 'content-length': completionBytes.length };
const sseHeaders = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };

const ticks = evenTicks({ slotCount: Number(process.env.TICK_SLOTS ?? 1000), periodMs: tickMs, visit: (res) => res.write(tickBytes) });
let openCount = 0;
const aborts = [];

function streamAnswer(res) {
  res.writeHead(200, sseHeaders);
  let i = 0;
  const step = () => {
    if (res.destroyed) return;
    if (i < events.length) {
      res.write(events[i++]);
      setImmediate(step);
    } else {
      res.end(doneBytes);
    }
  };
  step();
}

function openStream(res) {
  res.writeHead(200, sseHeaders);
  res.write(openHead);
  const leave = ticks.add(res);
  openCount += 1;
  res.on('close', () => {
    leave();
    openCount -= 1;
  });
}

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bad json","type":"invalid_request_error"}}');
      return;
    }
    const model = String(body.model ?? '');
    if (model === 'hang') {
      res.on('close', () => aborts.push([String(body.user ?? ''), nowMs()]));
      return;
    }
    if (model.startsWith('open-')) return openStream(res);
    if (body.stream === true) return streamAnswer(res);
    res.writeHead(200, jsonHeaders);
    res.end(completionBytes);
  });
});
let connections = 0;
server.on('connection', () => (connections += 1));
server.keepAliveTimeout = 65_000;
server.maxConnections = Infinity;

const port = Number(process.argv[2] ?? 0);
server.listen(port, '127.0.0.1', () => {
  const { port: actual } = server.address();
  if (process.send) process.send({ port: actual });
  else console.log(`mock upstream on http://127.0.0.1:${actual}/v1`);
});

process.on('message', (message) => {
  if (message?.type === 'aborts') process.send({ aborts: aborts.splice(0) });
  if (message?.type === 'stats') process.send({ open: openCount, connections });
});
process.on('disconnect', () => process.exit(0));
