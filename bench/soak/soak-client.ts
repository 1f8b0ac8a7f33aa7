/**
 * One soak request through the proxy with undici (chat, text completion or embeddings): sends it,
 * reads the answer (JSON or SSE), hangs up when its plan says so, and classifies what it got into
 * exactly one outcome.
 */
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { classifyCompletion, classifyEmbedding, classifyErrorStatus, classifyStream, SseSplitter, type Classified, type StreamEnd } from './classify-outcome.js';
import type { SoakEndpoint } from './formats/soak-wire-format.js';

/** When the client hangs up on purpose, if at all. */
export type Disconnect =
  | { readonly kind: 'none' }
  /** Before the response headers, this long after sending (if the headers have not come by then). */
  | { readonly kind: 'before-headers'; readonly afterMs: number }
  /** Streaming: after this many SSE events (if the stream is still going). */
  | { readonly kind: 'after-chunks'; readonly chunks: number };

export interface SoakRequestPlan {
  /**
   * Unique per request, `soak-<n>`; sent inside the prompt (which every provider's wire format
   * carries, unlike the body's `user`, which Gemini refuses) so the upstream can tell which request
   * an attempt served.
   */
  readonly user: string;
  readonly model: string;
  /** Chat when absent. */
  readonly endpoint?: SoakEndpoint;
  /** Embeddings: how many inputs to send (1 when absent). Never streamed. */
  readonly inputs?: number;
  readonly stream: boolean;
  readonly disconnect: Disconnect;
  /** No outcome by then: the request is `lost` (and aborted). */
  readonly watchdogMs: number;
}

export interface Outcome extends Classified {
  readonly user: string;
  readonly model: string;
  readonly endpoint: SoakEndpoint;
  readonly stream: boolean;
  readonly latencyMs: number;
  /** The HTTP status the proxy answered with; undefined when no response headers came (a hang-up before them). */
  readonly status: number | undefined;
  /** The proxy's path it was sent to, e.g. `/v1/chat/completions`. */
  readonly route: string;
}

const paths: Readonly<Record<SoakEndpoint, string>> = { chat: '/v1/chat/completions', completion: '/v1/completions', embedding: '/v1/embeddings' };

function requestBody(plan: SoakRequestPlan, endpoint: SoakEndpoint): Record<string, unknown> {
  const { model, user, stream } = plan;
  switch (endpoint) {
    case 'chat':
      return { model, stream, messages: [{ role: 'user', content: user }] };
    case 'completion':
      return { model, stream, prompt: user };
    case 'embedding':
      return { model, input: Array.from({ length: plan.inputs ?? 1 }, (_, index) => `${user} input ${index}`) };
  }
}

/** Sends one request to the proxy's endpoint for `plan.endpoint`; always resolves with its outcome. */
export async function sendSoakRequest(dispatcher: Dispatcher, url: string, plan: SoakRequestPlan): Promise<Outcome> {
  const endpoint = plan.endpoint ?? 'chat';
  const started = performance.now();
  const controller = new AbortController();
  let why: 'client' | 'watchdog' | undefined;
  let status: number | undefined;
  const abort = (reason: 'client' | 'watchdog'): void => {
    why ??= reason;
    controller.abort();
  };
  const watchdog = setTimeout(() => abort('watchdog'), plan.watchdogMs);
  const beforeHeaders = plan.disconnect.kind === 'before-headers' ? setTimeout(() => abort('client'), plan.disconnect.afterMs) : undefined;
  const finish = (classified: Classified): Outcome => {
    clearTimeout(watchdog);
    clearTimeout(beforeHeaders);
    const lost: Classified = { class: 'lost', detail: `no outcome within ${plan.watchdogMs} ms (${classified.class}: ${classified.detail})` };
    return { ...(why === 'watchdog' ? lost : classified), user: plan.user, model: plan.model, endpoint, stream: plan.stream, latencyMs: performance.now() - started, status, route: paths[endpoint] };
  };

  let response: Dispatcher.ResponseData;
  try {
    response = await request(`${url}${paths[endpoint]}`, {
      method: 'POST',
      dispatcher,
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requestBody(plan, endpoint)),
    });
  } catch (error) {
    if (why !== undefined) return finish({ class: 'client-aborted', detail: 'before headers' });
    return finish({ class: 'broken', detail: `no response: ${(error as Error).message}` });
  }
  clearTimeout(beforeHeaders);
  const { statusCode, headers, body } = response;
  status = statusCode;
  const streamed = statusCode === 200 && plan.stream;
  if (!streamed) {
    let text: string;
    try {
      text = await body.text();
    } catch (error) {
      if (why !== undefined) return finish({ class: 'client-aborted', detail: 'reading the body' });
      return finish({ class: 'broken', detail: `a ${statusCode} body cut off: ${(error as Error).message}` });
    }
    if (statusCode !== 200) return finish(classifyErrorStatus(statusCode, text));
    return finish(endpoint === 'embedding' ? classifyEmbedding(text, plan.inputs ?? 1) : classifyCompletion(text, endpoint));
  }
  if (!String(headers['content-type']).startsWith('text/event-stream')) {
    await body.text().catch(() => '');
    return finish({ class: 'broken', detail: `a stream answered as ${String(headers['content-type'])}` });
  }
  const splitter = new SseSplitter();
  const events: string[] = [];
  const decoder = new TextDecoder();
  let end: StreamEnd = 'end';
  try {
    for await (const piece of body) {
      events.push(...splitter.push(decoder.decode(piece as Buffer, { stream: true })));
      if (plan.disconnect.kind === 'after-chunks' && events.length >= plan.disconnect.chunks) {
        abort('client');
        body.destroy();
        break;
      }
    }
  } catch {
    end = 'error';
  }
  if (why !== undefined) end = 'aborted';
  return finish(endpoint === 'embedding' ? { class: 'broken', detail: 'an embeddings answer as a stream' } : classifyStream(events, end, endpoint));
}
