import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { noop, of } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { traceRouter } from '../../src/observability/tracing/trace-router.js';
import { completion, createTestScheduler, deployment, providerBy, request, routerFor } from '../routing/router-fixture.js';

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;

beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
});

afterEach(async () => {
  await provider.shutdown();
});

function named(name: string): ReadableSpan {
  const span = exporter.getFinishedSpans().find((candidate) => candidate.name === name);
  if (span === undefined) throw new Error(`no span "${name}" among ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
  return span;
}

/** Milliseconds between two OpenTelemetry high-resolution times. */
function msBetween(from: [number, number], to: [number, number]): number {
  return (to[0] - from[0]) * 1000 + (to[1] - from[1]) / 1e6;
}

describe('traceRouter', () => {
  it('makes one span per call and one child per attempt, with retries and fallbacks as events of the call', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(() => {
      const router = routerFor(
        testScheduler,
        {
          num_retries: 1,
          fallbacks: [{ primary: ['secondary'] }],
          model_list: [
            deployment('primary', 'p1', { mock_response: 'litellm.RateLimitError' }),
            deployment('primary', 'p2', { mock_response: 'litellm.InternalServerError' }),
            deployment('secondary', 's1', { api_base: 'https://llm.example:8443/v1' }),
          ],
        },
        { provider: providerBy({ s1: () => of(completion('hi', 's1', 7, 11)) }) },
      );
      traceRouter(router, provider.getTracer('rxllm'));
      router.completion$(request('primary')).subscribe({ error: noop });
    });
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(['chat p1', 'chat p2', 'chat primary', 'chat s1']);
    const call = named('chat primary');
    expect(call.kind).toBe(SpanKind.INTERNAL);
    expect(call.parentSpanContext).toBeUndefined();
    for (const name of ['chat p1', 'chat p2', 'chat s1']) {
      expect(named(name).parentSpanContext?.spanId, name).toBe(call.spanContext().spanId);
      expect(named(name).spanContext().traceId).toBe(call.spanContext().traceId);
      expect(named(name).kind).toBe(SpanKind.CLIENT);
    }
    expect(call.events.map((event) => [event.name, event.attributes])).toEqual([
      ['retry', { 'rxllm.model_group': 'primary', 'rxllm.retry': 1, 'rxllm.delay_ms': 0 }],
      ['fallback', { 'rxllm.fallback.from': 'primary', 'rxllm.fallback.to': 'secondary' }],
    ]);
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'primary',
      'gen_ai.response.model': 's1',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'rxllm.attempts': 3,
      'rxllm.fallbacks': 1,
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(named('chat s1').attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 's1',
      'gen_ai.response.model': 's1',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.output_tokens': 7,
      'server.address': 'llm.example',
      'server.port': 8443,
      'rxllm.deployment.id': 's1',
    });
    const failed = named('chat p1');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: '429 rate_limit_exceeded' });
    expect(failed.attributes['error.type']).toBe('rate_limit_exceeded');
    expect(named('chat p2').attributes['error.type']).toBe('internal_server_error');
  });

  it('gives the call span an error status and error.type when the call fails, with times from the scheduler', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(() => {
      const router = routerFor(testScheduler, { timeout: 2, model_list: [deployment('g', 'a', { mock_timeout: true })] });
      traceRouter(router, provider.getTracer('rxllm'));
      router.completion$(request('g', { stream: true })).subscribe({ error: noop });
    });
    const call = named('chat g');
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: '408 deadline_exceeded' });
    expect(call.attributes).toMatchObject({ 'error.type': 'deadline_exceeded', 'rxllm.stream': true, 'rxllm.committed': false });
    expect(msBetween(call.startTime, call.endTime)).toBeCloseTo(2000, 3);
    const attempt = named('chat a');
    expect(attempt.attributes['error.type']).toBe('deadline_exceeded');
    expect(msBetween(attempt.startTime, attempt.endTime)).toBeCloseTo(2000, 3);
  });

  it('names embeddings and text completions after their operation', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(() => {
      const router = routerFor(testScheduler, { model_list: [deployment('e', 'emb', { mock_response: 'ok' })] });
      traceRouter(router, provider.getTracer('rxllm'));
      router.embedding$({ model: 'e', input: 'hi' }).subscribe({ error: noop });
      router.textCompletion$({ model: 'e', prompt: 'hi' }).subscribe({ error: noop });
    });
    expect(exporter.getFinishedSpans().map((span) => span.name).sort()).toEqual(['embeddings e', 'embeddings emb', 'text_completion e', 'text_completion emb']);
    expect(named('embeddings e').attributes['gen_ai.operation.name']).toBe('embeddings');
  });

  it('ends the spans of a call the caller leaves, marked cancelled', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(() => {
      const router = routerFor(testScheduler, { model_list: [deployment('g', 'a', { mock_timeout: true })] });
      traceRouter(router, provider.getTracer('rxllm'));
      const subscription = router.completion$(request('g')).subscribe({ error: noop });
      testScheduler.schedule(() => subscription.unsubscribe(), 100);
    });
    expect(named('chat g').attributes['rxllm.cancelled']).toBe(true);
    expect(named('chat a').attributes['rxllm.cancelled']).toBe(true);
  });

  it('nests the call span under the span active where the call was subscribed', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const testScheduler = createTestScheduler();
      const tracer = provider.getTracer('rxllm');
      testScheduler.run(() => {
        const router = routerFor(testScheduler, { model_list: [deployment('g', 'a', { mock_response: 'ok' })] });
        traceRouter(router, tracer);
        tracer.startActiveSpan('http request', (outer) => {
          router.completion$(request('g')).subscribe({ error: noop });
          outer.end();
        });
      });
      expect(named('chat g').parentSpanContext?.spanId).toBe(named('http request').spanContext().spanId);
    } finally {
      context.disable();
      manager.disable();
    }
  });

  it('records nothing once unsubscribed, and is a no-op without an SDK', () => {
    const testScheduler = createTestScheduler();
    testScheduler.run(() => {
      const router = routerFor(testScheduler, { model_list: [deployment('g', 'a', { mock_response: 'ok' })] });
      traceRouter(router, provider.getTracer('rxllm')).unsubscribe();
      const global = traceRouter(router); // the API's no-op tracer: no SDK registered
      router.completion$(request('g')).subscribe({ error: noop });
      global.unsubscribe();
    });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(trace.getTracer('rxllm').startSpan('x').isRecording()).toBe(false);
  });
});
