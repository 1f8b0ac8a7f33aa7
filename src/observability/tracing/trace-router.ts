import { readFileSync } from 'node:fs';
import { type Context, context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { Subscription } from 'rxjs';
import type { Deployment } from '../../config/router-settings.js';
import type { CallKindName } from '../../router/call-kind.js';
import type { Router } from '../../router/router.js';
import type { RouterEvent } from '../../router/router-events.js';
import { deploymentAttributes, operationName } from './gen-ai-attributes.js';

/**
 * A scheduler time as OpenTelemetry's TimeInput. A bare number would be ambiguous to the SDK (it
 * reads a number below `performance.now()` as performance time, a larger one as epoch ms), so a
 * virtual clock's small numbers and a real one's would be read differently: a Date is always epoch ms.
 */
function wallTime(ms: number): Date {
  return new Date(ms);
}

/** rxllm's version, the tracer's (package.json sits two folders above src/ and dist/ alike). */
function packageVersion(): string | undefined {
  try {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

interface OpenAttempt {
  readonly deployment: string;
  readonly span: Span;
}

/** One call being traced: its span, the context its attempts are children in, its open attempts. */
interface TracedCall {
  readonly kind: CallKindName;
  readonly span: Span;
  readonly context: Context;
  readonly open: OpenAttempt[];
  /** The answering attempt, ended once the call's usage is known (`callSucceeded` follows at once). */
  answered: { readonly span: Span; readonly at: number } | undefined;
}

/**
 * Traces a router's calls with OpenTelemetry: one span per call (`chat gpt-4o`, `text_completion ...`,
 * `embeddings ...`, kind INTERNAL) and one child span per attempt (`chat <deployment model>`, kind
 * CLIENT), with the GenAI semantic-convention attributes (`gen_ai.operation.name`,
 * `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.provider.name`, `gen_ai.usage.*`,
 * `server.address`, `error.type`) and each retry and fallback as an event of the call's span.
 *
 * Built on `router.events$` with the events' own times as the spans' start and end (so a virtual
 * scheduler gives virtual times), rather than inside the call pipeline: a router nobody traces pays
 * nothing. The call's span starts in the context active when the call was subscribed (the event is
 * emitted synchronously there), so it nests under the caller's own span, such as an HTTP server's.
 * The attempt spans are not made active around the upstream request, so an HTTP client's own
 * instrumentation does not nest under them.
 *
 * Without a registered OpenTelemetry SDK, `@opentelemetry/api` hands out no-op spans.
 *
 * @example
 * const subscription = traceRouter(router); // trace.getTracer('rxllm', version)
 * // later: subscription.unsubscribe();
 */
export function traceRouter(router: Router, tracer: Tracer = trace.getTracer('rxllm', packageVersion())): Subscription {
  const deployments = new Map<string, Deployment>(router.settings.deployments.map((deployment) => [deployment.id, deployment]));
  const calls = new Map<number, TracedCall>();

  const takeAttempt = (traced: TracedCall, deployment: string): Span | undefined => {
    const index = traced.open.findIndex((attempt) => attempt.deployment === deployment);
    if (index === -1) return undefined;
    const [attempt] = traced.open.splice(index, 1);
    return attempt?.span;
  };

  const endOpen = (traced: TracedCall, at: number): void => {
    for (const attempt of traced.open.splice(0)) attempt.span.end(wallTime(at));
    traced.answered?.span.end(wallTime(traced.answered.at));
  };

  const onEvent = (event: RouterEvent): void => {
    switch (event.type) {
      case 'callStarted': {
        const span = tracer.startSpan(
          `${operationName(event.kind)} ${event.group}`,
          {
            kind: SpanKind.INTERNAL,
            startTime: wallTime(event.at),
            attributes: { 'gen_ai.operation.name': operationName(event.kind), 'gen_ai.request.model': event.group, 'rxllm.stream': event.stream },
          },
          context.active(),
        );
        calls.set(event.call, { kind: event.kind, span, context: trace.setSpan(context.active(), span), open: [], answered: undefined });
        return;
      }
      case 'attemptStarted': {
        const traced = calls.get(event.call);
        const deployment = deployments.get(event.deployment);
        if (traced === undefined || deployment === undefined) return;
        const span = tracer.startSpan(
          `${operationName(traced.kind)} ${deployment.model}`,
          { kind: SpanKind.CLIENT, startTime: wallTime(event.at), attributes: deploymentAttributes(deployment, traced.kind) },
          traced.context,
        );
        traced.open.push({ deployment: event.deployment, span });
        return;
      }
      case 'attemptSucceeded': {
        const traced = calls.get(event.call);
        const span = traced === undefined ? undefined : takeAttempt(traced, event.deployment);
        if (traced === undefined || span === undefined) return;
        traced.answered = { span, at: event.at };
        return;
      }
      case 'attemptFailed': {
        const traced = calls.get(event.call);
        const span = traced === undefined ? undefined : takeAttempt(traced, event.deployment);
        if (span === undefined) return;
        span.setAttribute('error.type', event.code);
        span.setAttribute('http.response.status_code', event.status);
        span.setStatus({ code: SpanStatusCode.ERROR, message: `${event.status} ${event.code}` });
        span.end(wallTime(event.at));
        return;
      }
      case 'attemptCancelled': {
        const traced = calls.get(event.call);
        const span = traced === undefined ? undefined : takeAttempt(traced, event.deployment);
        if (span === undefined) return;
        span.setAttribute('rxllm.cancelled', true);
        span.end(wallTime(event.at));
        return;
      }
      case 'retry':
        calls.get(event.call)?.span.addEvent('retry', { 'rxllm.model_group': event.group, 'rxllm.retry': event.retry, 'rxllm.delay_ms': event.delayMs }, wallTime(event.at));
        return;
      case 'fallback':
        calls.get(event.call)?.span.addEvent('fallback', { 'rxllm.fallback.from': event.from, 'rxllm.fallback.to': event.to }, wallTime(event.at));
        return;
      case 'callSucceeded': {
        const traced = calls.get(event.call);
        if (traced === undefined) return;
        calls.delete(event.call);
        const model = deployments.get(event.deployment)?.model ?? event.deployment;
        const usage: Record<string, number> = {};
        if (event.inputTokens !== undefined) usage['gen_ai.usage.input_tokens'] = event.inputTokens;
        if (event.outputTokens !== undefined) usage['gen_ai.usage.output_tokens'] = event.outputTokens;
        traced.answered?.span.setAttributes({ 'gen_ai.response.model': model, ...usage });
        traced.span.setAttributes({
          'gen_ai.response.model': model,
          ...usage,
          'rxllm.deployment.id': event.deployment,
          'rxllm.model_group': event.group,
          'rxllm.attempts': event.attempts,
          'rxllm.retries': event.retries,
          'rxllm.fallbacks': event.fallbacks,
        });
        endOpen(traced, event.at);
        traced.span.end(wallTime(event.at));
        return;
      }
      case 'callFailed': {
        const traced = calls.get(event.call);
        if (traced === undefined) return;
        calls.delete(event.call);
        traced.span.setAttributes({
          'error.type': event.code,
          'http.response.status_code': event.status,
          'rxllm.attempts': event.attempts,
          'rxllm.fallbacks': event.fallbacks,
          'rxllm.committed': event.committed,
        });
        traced.span.setStatus({ code: SpanStatusCode.ERROR, message: `${event.status} ${event.code}` });
        endOpen(traced, event.at);
        traced.span.end(wallTime(event.at));
        return;
      }
      case 'callCancelled': {
        const traced = calls.get(event.call);
        if (traced === undefined) return;
        calls.delete(event.call);
        traced.span.setAttribute('rxllm.cancelled', true);
        endOpen(traced, event.at);
        traced.span.end(wallTime(event.at));
        return;
      }
      default:
        return;
    }
  };

  const subscription = router.events$.subscribe(onEvent);
  // Calls still open when tracing stops end there, so that no span is left unended.
  subscription.add(() => {
    for (const traced of calls.values()) {
      for (const attempt of traced.open.splice(0)) attempt.span.end();
      traced.answered?.span.end(wallTime(traced.answered.at));
      traced.span.end();
    }
    calls.clear();
  });
  return subscription;
}
