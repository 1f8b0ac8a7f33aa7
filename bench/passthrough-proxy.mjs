// The floor for any Node proxy: node:http in, undici out, no logic. It reads the request body, sends
// it to the upstream with a keep-alive undici Agent, and pipes the status, content-type and body back
// (SSE included, chunk by chunk). A client that leaves aborts the upstream request.
//
// Started with `fork()`/IPC by the benchmark: `UPSTREAM=http://127.0.0.1:PORT node bench/passthrough-proxy.mjs`;
// it sends `{ port }` once listening.
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const upstream = `${process.env.UPSTREAM}/v1/chat/completions`;
const agent = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

const server = createServer((req, res) => {
  const parts = [];
  // Both listeners come off once the body is in: under load V8 may allocate a request's listener
  // table in the old generation, and closures left in it keep each finished request alive through
  // young-generation GCs (bench/README.md, "GC"; rxllm's readBody does the same).
  const onData = (part) => parts.push(part);
  req.on('data', onData);
  req.once('end', () => {
    req.off('data', onData);
    // undici takes an EventEmitter as `signal`: far cheaper than an AbortController (rxllm does the same).
    const signal = new EventEmitter();
    signal.aborted = false;
    res.on('close', () => {
      if (res.writableFinished) return;
      signal.aborted = true;
      signal.emit('abort');
    });
    request(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: req.headers.accept ?? '*/*' },
      body: Buffer.concat(parts),
      dispatcher: agent,
      signal,
    }).then(
      ({ statusCode, headers, body }) => {
        body.on('error', () => {});
        res.writeHead(statusCode, { 'content-type': headers['content-type'] ?? 'application/json' });
        body.on('data', (bytes) => res.write(bytes));
        body.on('end', () => res.end());
      },
      () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      },
    );
  });
});

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ port });
  else console.log(`pass-through proxy on http://127.0.0.1:${port} -> ${upstream}`);
});
process.on('disconnect', () => process.exit(0));
