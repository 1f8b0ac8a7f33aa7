/**
 * A fake Amazon Bedrock Runtime on 127.0.0.1 for integration specs, speaking the real wire format:
 * `POST /model/<modelId>/converse` (a JSON Converse answer) and `/converse-stream` (binary
 * `application/vnd.amazon.eventstream` frames, encoded with `@smithy/eventstream-codec`), InvokeModel's
 * `/invoke` for embeddings models (Titan's `{embedding, inputTextTokenCount}`, Cohere's
 * `{embeddings, id, response_type, texts}` with `x-amzn-bedrock-input-token-count`), errors with
 * `x-amzn-errortype` and a `{"message"}` body. What a request gets is chosen by the model id in its
 * path (`behave(modelId, ...)`); the default answers `Hello from <modelId>`.
 *
 * Every request's auth is checked as AWS would before anything else: a SigV4 `authorization` header
 * is re-signed with the same library from what arrived (method, path, signed headers, the body's own
 * hash, the `x-amz-date`) with the credentials and region the fake was started with, and must match
 * exactly; or a `Bearer` token must be the one it was given. A request that fails gets AWS's 403
 * `InvalidSignatureException` / `UnrecognizedClientException`, so a signing bug fails specs loudly.
 *
 *   const bedrock = await startFakeBedrock({ region: 'us-east-1', credentials, bearerToken: 'br-token' });
 *   bedrock.behave('m', { kind: 'frames', frames: [...fixture], cutAfter: 1, cut: 'stall' });
 *   bedrock.behave('busy', { kind: 'error', status: 429, type: 'ThrottlingException', message: 'Too many requests' });
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { RequestLedger } from './request-ledger.js';
import { Sha256 } from '@aws-crypto/sha256-js';
import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { AwsCredentials } from '../../src/config/bedrock-auth.js';

/** One ConverseStream frame: an event (`:event-type`) or an exception (`:exception-type`) with its JSON payload. */
export type FakeFrame =
  | { readonly event: string; readonly payload: unknown }
  | { readonly exception: string; readonly message: string };

/** A whole answer to /converse, or its frames to /converse-stream. */
export interface AnswerBehaviour {
  readonly kind: 'answer';
  /** Default `Hello from <modelId>`; streamed word by word. */
  readonly text?: string;
  readonly delayMs?: number;
}

/** A /converse or /invoke body exactly as given (any JSON), with any extra response headers. */
export interface JsonBehaviour {
  readonly kind: 'json';
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** These frames, in order, each after `delayMs`; optionally stopping after `cutAfter` of them. */
export interface FramesBehaviour {
  readonly kind: 'frames';
  readonly frames: readonly FakeFrame[];
  readonly delayMs?: number;
  readonly cutAfter?: number;
  /** After the last frame sent: end the response (default), stall with it open, or destroy the socket. */
  readonly cut?: 'end' | 'stall' | 'destroy';
  /** Raw bytes to write after the frames (a torn or corrupt frame). */
  readonly trailing?: Uint8Array;
}

/** An AWS error response. */
export interface ErrorBehaviour {
  readonly kind: 'error';
  readonly status: number;
  /** `x-amzn-errortype`'s exception name. */
  readonly type: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HangBehaviour {
  readonly kind: 'hang';
}

export type BedrockBehaviour = AnswerBehaviour | JsonBehaviour | FramesBehaviour | ErrorBehaviour | HangBehaviour;

export interface BedrockRequest {
  readonly index: number;
  readonly path: string;
  readonly modelId: string;
  readonly stream: boolean;
  /** Which operation the path named (undefined: no route). */
  readonly operation: 'converse' | 'converse-stream' | 'invoke' | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The raw body text, as signed. */
  readonly text: string;
  readonly auth: 'sigv4' | 'bearer' | 'none';
  /** Why the auth was refused, or undefined when it passed. */
  readonly authProblem: string | undefined;
  readonly finished: boolean;
  readonly closedByClient: boolean;
}

export interface FakeBedrockOptions {
  readonly region: string;
  readonly credentials?: AwsCredentials;
  readonly bearerToken?: string;
}

export interface FakeBedrock {
  /** `http://127.0.0.1:<port>`: a deployment's `api_base`. */
  readonly apiBase: string;
  readonly requests: readonly BedrockRequest[];
  behave(modelId: string, first: BedrockBehaviour, ...rest: BedrockBehaviour[]): void;
  waitForRequest(index: number, timeoutMs?: number): Promise<BedrockRequest>;
  /** Resolves once the client closed request `index`'s connection before the server finished it. */
  waitForClose(index: number, timeoutMs?: number): Promise<BedrockRequest>;
  reset(): void;
  close(): Promise<void>;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeader(value: string): MessageHeaders[string] {
  return { type: 'string', value };
}

/** One frame as Bedrock encodes it. */
export function encodeFrame(frame: FakeFrame): Uint8Array {
  if ('exception' in frame) {
    return codec.encode({
      headers: {
        ':exception-type': stringHeader(frame.exception),
        ':content-type': stringHeader('application/json'),
        ':message-type': stringHeader('exception'),
      },
      body: fromUtf8(JSON.stringify({ message: frame.message })),
    });
  }
  return codec.encode({
    headers: {
      ':event-type': stringHeader(frame.event),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('event'),
    },
    body: fromUtf8(JSON.stringify(frame.payload)),
  });
}

/** The frames of a plain text answer, as ConverseStream sends them. */
export function textFrames(text: string): FakeFrame[] {
  const words = text.match(/\s*\S+/g) ?? [];
  return [
    { event: 'messageStart', payload: { role: 'assistant', p: 'abcd' } },
    ...words.map((word) => ({ event: 'contentBlockDelta', payload: { contentBlockIndex: 0, delta: { text: word }, p: 'abcdefgh' } })),
    { event: 'contentBlockStop', payload: { contentBlockIndex: 0, p: 'ab' } },
    { event: 'messageStop', payload: { stopReason: 'end_turn', p: 'abcdef' } },
    { event: 'metadata', payload: { usage: { inputTokens: 5, outputTokens: words.length, totalTokens: 5 + words.length }, metrics: { latencyMs: 20 } } },
  ];
}

function delay(ms: number | undefined): Promise<void> {
  return ms === undefined || ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}


function amzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

const sigV4Shape =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/;

/** Re-signs what arrived with the same library and the fake's credentials: undefined when it matches. */
async function sigV4Problem(req: IncomingMessage, text: string, options: FakeBedrockOptions): Promise<string | undefined> {
  const authorization = req.headers.authorization ?? '';
  const shape = sigV4Shape.exec(authorization);
  if (shape === null) return `authorization header of the wrong shape: ${authorization.replace(/Signature=\w+/, 'Signature=…')}`;
  const [, keyId, day, region, signedList] = shape as unknown as [string, string, string, string, string];
  const { credentials } = options;
  if (credentials === undefined || keyId !== credentials.accessKeyId) return `unknown access key ${keyId}`;
  if (region !== options.region) return `signed for region ${region}, expected ${options.region}`;
  const date = amzDate(String(req.headers['x-amz-date'] ?? ''));
  if (date === undefined) return 'no x-amz-date';
  if (Math.abs(date.getTime() - Date.now()) > 5 * 60_000) return 'x-amz-date is more than 5 minutes off';
  if (!date.toISOString().replace(/-/g, '').startsWith(day)) return 'the credential scope date is not the x-amz-date';
  const bodyHash = createHash('sha256').update(text).digest('hex');
  if (req.headers['x-amz-content-sha256'] !== undefined && req.headers['x-amz-content-sha256'] !== bodyHash) return 'x-amz-content-sha256 is not the body hash';
  if (credentials.sessionToken !== undefined && req.headers['x-amz-security-token'] !== credentials.sessionToken) return 'wrong session token';
  const headers: Record<string, string> = {};
  for (const name of signedList.split(';')) {
    // Left out so that the signer hashes the body that arrived rather than trusting the header.
    if (name === 'x-amz-content-sha256' || name === 'x-amz-date' || name === 'x-amz-security-token') continue;
    const value = req.headers[name];
    if (typeof value !== 'string') return `signed header ${name} did not arrive`;
    headers[name] = value;
  }
  const signer = new SignatureV4({ service: 'bedrock', region: options.region, credentials, sha256: Sha256 });
  const signed = await signer.sign(
    { method: req.method ?? 'POST', protocol: 'http:', hostname: '127.0.0.1', path: req.url ?? '/', query: {}, headers, body: text },
    { signingDate: date },
  );
  return signed.headers['authorization'] === authorization ? undefined : 'signature mismatch (re-signed with the same inputs)';
}

type Recording = { -readonly [Field in keyof BedrockRequest]: BedrockRequest[Field] };

/** A small vector that depends on the text: each input gets its own, so order is checkable. */
function fakeVector(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, index) => (text.length + index) / 8);
}

/** InvokeModel's answer for an embeddings model, in its family's shape (`answer` behaviours at `/invoke`). */
function invokeAnswer(res: ServerResponse, record: Recording): void {
  const body = (typeof record.body === 'object' && record.body !== null ? record.body : {}) as Record<string, unknown>;
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000003' };
  if (/cohere\.embed-/.test(record.modelId)) {
    const texts = Array.isArray(body['texts']) ? (body['texts'] as string[]) : [];
    const tokens = texts.reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
    res.writeHead(200, { ...headers, 'x-amzn-bedrock-input-token-count': String(tokens) });
    res.end(JSON.stringify({ embeddings: texts.map((text) => fakeVector(text, 4)), id: 'emb-0001', response_type: 'embeddings_floats', texts }));
    return;
  }
  if (/titan-embed-/.test(record.modelId) && typeof body['inputText'] === 'string') {
    const text = body['inputText'];
    const dimensions = typeof body['dimensions'] === 'number' ? body['dimensions'] : 4;
    res.writeHead(200, headers);
    res.end(JSON.stringify({ embedding: fakeVector(text, dimensions), inputTextTokenCount: text.split(/\s+/).filter(Boolean).length }));
    return;
  }
  res.writeHead(400, { ...headers, 'x-amzn-errortype': 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/' });
  res.end(JSON.stringify({ message: 'Malformed input request, please reformat your input and try again.' }));
}

export async function startFakeBedrock(options: FakeBedrockOptions): Promise<FakeBedrock> {
  const behaviours = new Map<string, BedrockBehaviour[]>();
  const ledger = new RequestLedger<Recording>('fake bedrock');
  const sockets = new Set<Socket>();

  const pick = (modelId: string): BedrockBehaviour => {
    const queue = behaviours.get(modelId);
    if (queue === undefined || queue.length === 0) return { kind: 'answer' };
    return (queue.length > 1 ? queue.shift() : queue[0]) as BedrockBehaviour;
  };

  const destroy = (res: ServerResponse): void => {
    ledger.closedByServerSide(res);
    res.socket?.destroy();
  };

  const write = (res: ServerResponse, bytes: Uint8Array): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed || res.writableEnded) {
        resolve(false);
        return;
      }
      res.write(bytes, () => resolve(!res.destroyed));
    });

  const sendError = (res: ServerResponse, status: number, type: string, message: string, headers: Readonly<Record<string, string>> = {}): void => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      ...headers,
    });
    res.end(JSON.stringify({ message }));
  };

  const stream = async (res: ServerResponse, behaviour: FramesBehaviour): Promise<void> => {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000001' });
    res.flushHeaders();
    const frames = behaviour.cutAfter === undefined ? behaviour.frames : behaviour.frames.slice(0, behaviour.cutAfter);
    for (const frame of frames) {
      await delay(behaviour.delayMs);
      if (!(await write(res, encodeFrame(frame)))) return;
    }
    if (behaviour.trailing !== undefined && !(await write(res, behaviour.trailing))) return;
    const cut = behaviour.cut ?? 'end';
    if (cut === 'destroy') destroy(res);
    else if (cut === 'end') res.end();
  };

  const respond = async (res: ServerResponse, record: Recording): Promise<void> => {
    if (record.authProblem !== undefined) {
      const type = record.auth === 'sigv4' ? 'InvalidSignatureException' : 'UnrecognizedClientException';
      sendError(res, 403, type, `The request signature we calculated does not match the signature you provided. (${record.authProblem})`);
      return;
    }
    const behaviour = pick(record.modelId);
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'error':
        sendError(res, behaviour.status, behaviour.type, behaviour.message, behaviour.headers);
        return;
      case 'json':
        res.writeHead(200, { 'content-type': 'application/json', ...behaviour.headers });
        res.end(JSON.stringify(behaviour.body));
        return;
      case 'frames':
        await stream(res, behaviour);
        return;
      case 'answer': {
        const text = behaviour.text ?? `Hello from ${record.modelId}`;
        await delay(behaviour.delayMs);
        if (record.operation === 'invoke') {
          invokeAnswer(res, record);
          return;
        }
        if (record.stream) {
          await stream(res, { kind: 'frames', frames: textFrames(text), ...(behaviour.delayMs === undefined ? {} : { delayMs: behaviour.delayMs }) });
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000002' });
        res.end(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text }] } },
            stopReason: 'end_turn',
            usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 },
            metrics: { latencyMs: 20 },
          }),
        );
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(parts).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // kept as text
        }
        const path = req.url ?? '/';
        const route = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/.exec(path);
        const authorization = req.headers.authorization ?? '';
        const auth = authorization.startsWith('AWS4-HMAC-SHA256 ') ? 'sigv4' : authorization.startsWith('Bearer ') ? 'bearer' : 'none';
        const authProblem =
          auth === 'sigv4'
            ? await sigV4Problem(req, text, options)
            : auth === 'bearer'
              ? authorization === `Bearer ${options.bearerToken ?? ''}` && options.bearerToken !== undefined
                ? undefined
                : 'unknown bearer token'
              : 'no authorization';
        const record: Recording = {
          index: ledger.size,
          path,
          modelId: route?.[1] === undefined ? '' : decodeURIComponent(route[1]),
          stream: route?.[2] === 'converse-stream',
          operation: route?.[2] as BedrockRequest['operation'],
          headers: req.headers,
          body,
          text,
          auth,
          authProblem,
          finished: false,
          closedByClient: false,
        };
        ledger.add(record, res);
        if (route === null) {
          sendError(res, 404, 'UnknownOperationException', `no route ${req.method ?? ''} ${path}`);
          return;
        }
        await respond(res, record);
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;



  return {
    apiBase: `http://127.0.0.1:${port}`,
    get requests() {
      return ledger.records;
    },
    behave(modelId, first, ...rest) {
      behaviours.set(modelId, [first, ...rest]);
    },
    waitForRequest: (index, timeoutMs) => ledger.waitForRequest(index, timeoutMs),
    waitForClose: (index, timeoutMs) => ledger.waitForClose(index, timeoutMs),

    reset() {
      behaviours.clear();
      ledger.reset();
    },
    async close() {
      ledger.shutDown();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
