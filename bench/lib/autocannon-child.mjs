// autocannon in its own process (so that it is not sampled or profiled with the server):
// node autocannon-child.mjs PORT BODY SECONDS; sends the number of requests completed over IPC.
import autocannon from 'autocannon';

const [port, body, seconds] = process.argv.slice(2);
const result = await autocannon({
  url: `http://127.0.0.1:${port}/v1/chat/completions`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections: 50,
  duration: Number(seconds),
});
process.send?.(result.requests.total);
process.exit(0);
