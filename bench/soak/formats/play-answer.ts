/**
 * Plays one upstream answer, whole or with one fault of the matrix, out of a format's pieces, so the
 * same fault means the same thing in every wire format (../fault-upstream.ts has the table).
 */
import type { ServerResponse } from 'node:http';
import type { Served } from '../faults.js';
import type { Frame, SoakCall, SoakWireFormat, StatusFault } from './soak-wire-format.js';

export interface PlayContext {
  readonly res: ServerResponse;
  readonly format: SoakWireFormat;
  readonly call: SoakCall;
  readonly served: Served;
  readonly random: () => number;
  /** Waits between two stream frames. */
  readonly delay: () => Promise<void>;
}

const statusFaults: ReadonlySet<Served> = new Set<StatusFault>(['429-retry-after', '429', '500', '503', '529']);

/** Resolves once `data` was handed to the socket; false when the connection is gone. */
function write(res: ServerResponse, data: Frame): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => res.write(data, (error) => resolve(error == null)));
}

async function writeAll(res: ServerResponse, frames: readonly Frame[]): Promise<boolean> {
  for (const frame of frames) if (!(await write(res, frame))) return false;
  return true;
}

/** Answers before any body: a status fault, a hang, a reset. True when the answer is over. */
function answerEarly({ res, format, served, call }: PlayContext): boolean {
  // A non-streaming request has no event to fail mid-way: its error event is a 500.
  const status = served === 'error-event' && !call.stream ? '500' : served;
  if (statusFaults.has(status)) {
    const answer = format.errorAnswer(status as StatusFault);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return true;
  }
  if (served === 'hang-before-headers') return true;
  if (served === 'reset-before-body') {
    res.socket?.destroy();
    return true;
  }
  return false;
}

export async function playJson(context: PlayContext): Promise<void> {
  const { res, format, call, served } = context;
  if (answerEarly(context)) return;
  const json = format.json(call);
  const half = json.slice(0, Math.floor(json.length / 2));
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) };
  switch (served) {
    case 'hang-before-first-chunk':
      res.writeHead(200, headers);
      res.flushHeaders();
      return;
    case 'stall-mid-stream':
    case 'reset-mid-body':
    case 'cut-short':
      res.writeHead(200, headers);
      if (!(await write(res, half))) return;
      if (served === 'reset-mid-body') res.socket?.destroy();
      // Content-Length promised more: a FIN now leaves the body short.
      else if (served === 'cut-short') res.socket?.end();
      return;
    case 'malformed-json': {
      const broken = `${half}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(broken) });
      res.end(broken);
      return;
    }
    case 'malformed-sse':
      // A stream body to a request for JSON.
      res.writeHead(200, { 'content-type': format.streamContentType });
      await writeAll(res, [...format.opening(call), ...format.closing(call)]);
      res.end();
      return;
    default:
      await context.delay();
      if (res.destroyed) return;
      res.writeHead(200, headers);
      res.end(json);
  }
}

export async function playStream(context: PlayContext): Promise<void> {
  const { res, format, call, served, random } = context;
  if (answerEarly(context)) return;
  res.writeHead(200, { 'content-type': format.streamContentType, 'cache-control': 'no-cache' });
  if (served === 'malformed-json') {
    res.end(format.malformedFirst(call));
    return;
  }
  res.flushHeaders();
  if (!(await writeAll(res, format.opening(call)))) return;
  if (served === 'hang-before-first-chunk') return;
  // The mid-stream faults strike after at least one token and before the last.
  const cutAt = served === 'none' ? call.total : 1 + Math.floor(random() * (call.total - 1));
  for (let seq = 0; seq < cutAt; seq += 1) {
    await context.delay();
    if (!(await write(res, format.token(call, seq)))) return;
  }
  await context.delay();
  if (res.destroyed) return;
  switch (served) {
    case 'stall-mid-stream':
      return;
    case 'reset-mid-body':
      res.socket?.destroy();
      return;
    case 'malformed-sse':
      res.end(format.malformedMid(call));
      return;
    case 'error-event':
      res.end(format.errorEvent(call));
      return;
    case 'cut-short':
      res.end();
      return;
    default:
      if (await writeAll(res, format.closing(call))) res.end();
  }
}
