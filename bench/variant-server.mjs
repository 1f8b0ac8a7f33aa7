// Attribution of the proxy's cost: one HTTP server per variant, each adding one layer of rxllm over
// the pass-through floor, so that `bench/ablation.mjs` can price each layer in CPU µs per request.
//
//   provider  node:http + JSON.parse of the request + rxllm's undici provider + JSON.stringify of the answer
//   router    node:http + JSON.parse + Router.completion$ (the HTTP provider) + JSON.stringify
//   proxy     rxllm's createProxyServer over the Router, its log line dropped
//   proxy-log createProxyServer, log line to stdout (/dev/null here), one write per line
//   proxy-log-batched  the same, lines batched into one write per event-loop turn: what the CLI runs
//
// UPSTREAM=http://127.0.0.1:PORT node bench/variant-server.mjs VARIANT  (sends { port } over IPC)
import { createServer } from 'node:http';
import { Router, createOpenAICompatibleProvider, parseRouterConfig } from '../dist/index.js';
import { batchedLines } from '../dist/cli/batched-lines.js';
import { createProxyServer } from '../dist/proxy/create-proxy-server.js';
import { routerConfig } from './lib/fixtures.mjs';

const variant = process.argv[2];
const apiBase = `${process.env.UPSTREAM}/v1`;
const config = routerConfig(apiBase);
config.model_list = config.model_list.map((deployment) => ({ ...deployment, model_name: deployment.model_name }));
let server;

function readJson(req, then) {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => then(JSON.parse(Buffer.concat(parts).toString('utf8'))));
}

function answer(res, stream) {
  return {
    next: (value) => {
      if (stream) {
        if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify(value)}\n\n`);
        return;
      }
      const json = JSON.stringify(value);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    },
    error: () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
    complete: () => {
      if (stream) res.end('data: [DONE]\n\n');
    },
  };
}

if (variant === 'provider') {
  const provider = createOpenAICompatibleProvider();
  const [deployment] = parseRouterConfig(config, {}).deployments;
  server = createServer((req, res) => {
    readJson(req, (body) => {
      const stream = body.stream === true;
      const subscription = provider.call({ deployment, body: { ...body, model: deployment.model }, stream }).subscribe(answer(res, stream));
      res.on('close', () => subscription.unsubscribe());
    });
  });
} else if (variant === 'router') {
  const router = new Router(config, { env: {} });
  server = createServer((req, res) => {
    readJson(req, (body) => {
      const subscription = router.completion$(body).subscribe(answer(res, body.stream === true));
      res.on('close', () => subscription.unsubscribe());
    });
  });
} else {
  const router = new Router(config, { env: {} });
  const log =
    variant === 'proxy-log'
      ? (line) => process.stdout.write(`${line}\n`)
      : variant === 'proxy-log-batched'
        ? batchedLines((text) => process.stdout.write(text)).line
        : () => {};
  server = createProxyServer({ router, log }).server;
}

server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
