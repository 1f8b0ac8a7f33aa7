/**
 * One soak request through the proxy with undici: sends it, reads the answer (JSON or SSE), hangs
 * up when its plan says so, and classifies what it got into exactly one outcome.
 */
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { classifyCompletion, classifyErrorStatus, classifyStream, SseSplitter, type Classified, type StreamEnd } from './classify-outcome.js';

/** When the client hangs up on purpose, if at all. */
export type Disconnect =
  | { readonly kind: 'none' }
  /** Before the response headers, this long after sending (if the headers have not come by then). */
  | { readonly kind: 'before-headers'; readonly afterMs: number }
  /** Streaming: after this many SSE events (if the stream is still going). */
  | { readonly kind: 'after-chunks'; readonly chunks: number };

export interface SoakRequestPlan {
  /** Unique per request; sent as the body's `user` so the upstream can tell which request an attempt served. */
  readonly user: string;
  readonly model: string;
  readonly stream: boolean;
  readonly disconnect: Disconnect;
  /** No outcome by then: the request is `lost` (and aborted). */
  readonly watchdogMs: number;
}

export interface Outcome extends Classified {
  readonly user: string;
  readonly stream: boolean;
  readonly latencyMs: number;
}

/** Sends one request to `${url}/v1/chat/completions`; always resolves with its outcome. */
export async function sendSoakRequest(dispatcher: Dispatcher, url: string, plan: SoakRequestPlan): Promise<Outcome> {
  const started = performance.now();
  const controller = new AbortController();
  let why: 'client' | 'watchdog' | undefined;
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
    return { ...(why === 'watchdog' ? lost : classified), user: plan.user, stream: plan.stream, latencyMs: performance.now() - started };
  };

  let response: Dispatcher.ResponseData;
  try {
    response = await request(`${url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher,
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: plan.model, stream: plan.stream, user: plan.user, messages: [{ role: 'user', content: 'soak' }] }),
    });
  } catch (error) {
    if (why !== undefined) return finish({ class: 'client-aborted', detail: 'before headers' });
    return finish({ class: 'broken', detail: `no response: ${(error as Error).message}` });
  }
  clearTimeout(beforeHeaders);
  const { statusCode, headers, body } = response;
  const streamed = statusCode === 200 && plan.stream;
  if (!streamed) {
    let text: string;
    try {
      text = await body.text();
    } catch (error) {
      if (why !== undefined) return finish({ class: 'client-aborted', detail: 'reading the body' });
      return finish({ class: 'broken', detail: `a ${statusCode} body cut off: ${(error as Error).message}` });
    }
    return finish(statusCode === 200 ? classifyCompletion(text) : classifyErrorStatus(statusCode, text));
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
  return finish(classifyStream(events, end));
}
