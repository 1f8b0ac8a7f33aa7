import { logfmt } from '../proxy/logfmt.js';
import type { RouterEvent } from '../router/router-events.js';

/**
 * One router event as a `level=debug` logfmt line, for `--debug` / `--detailed_debug`: every attempt,
 * retry, fallback and cooldown of every call, numbered by call. Scheduler times are left out (they
 * are not wall-clock times); durations are in ms.
 *
 * @example
 * // time=... level=debug msg=attemptFailed call=7 group=gpt-4o deployment=gpt-4o/0 latency_ms=300 status=408 code=first_chunk_timeout counted=true
 */
export function routerEventLine(event: RouterEvent, time: string): string {
  const head = { time, level: 'debug', msg: event.type };
  switch (event.type) {
    case 'attemptStarted':
      return logfmt({ ...head, call: event.call, group: event.group, deployment: event.deployment });
    case 'attemptSucceeded':
      return logfmt({ ...head, call: event.call, group: event.group, deployment: event.deployment, latency_ms: event.latencyMs, ttft_ms: event.ttftMs });
    case 'attemptFailed':
      return logfmt({
        ...head,
        call: event.call,
        group: event.group,
        deployment: event.deployment,
        latency_ms: event.latencyMs,
        status: event.status,
        code: event.code,
        counted: event.counted,
      });
    case 'attemptCancelled':
      return logfmt({ ...head, call: event.call, group: event.group, deployment: event.deployment, latency_ms: event.latencyMs });
    case 'retry':
      return logfmt({ ...head, call: event.call, group: event.group, retry: event.retry, delay_ms: event.delayMs });
    case 'fallback':
      return logfmt({ ...head, call: event.call, from: event.from, to: event.to });
    case 'hedgeStarted':
      return logfmt({ ...head, call: event.call, group: event.group, deployment: event.deployment, hedge: event.hedge, after_ms: event.afterMs });
    case 'hedgeSkipped':
      return logfmt({ ...head, call: event.call, group: event.group, reason: event.reason });
    case 'hedgeWon':
      return logfmt({ ...head, call: event.call, group: event.group, winner: event.winner, losers: event.losers.join(',') });
    case 'cooldownStarted':
      return logfmt({ ...head, group: event.group, deployment: event.deployment, for_ms: event.until - event.at, reason: event.reason });
    case 'cooldownEnded':
    case 'probeSucceeded':
      return logfmt({ ...head, group: event.group, deployment: event.deployment });
    case 'callStarted':
      return logfmt({ ...head, call: event.call, kind: event.kind, group: event.group, stream: event.stream });
    case 'callSucceeded':
      return logfmt({
        ...head,
        call: event.call,
        group: event.group,
        deployment: event.deployment,
        latency_ms: event.latencyMs,
        attempts: event.attempts,
        fallbacks: event.fallbacks,
      });
    case 'callFailed':
      return logfmt({
        ...head,
        call: event.call,
        group: event.requestedGroup,
        latency_ms: event.latencyMs,
        status: event.status,
        code: event.code,
        attempts: event.attempts,
        committed: event.committed,
      });
    case 'callCancelled':
      return logfmt({ ...head, call: event.call, group: event.requestedGroup, latency_ms: event.latencyMs });
    case 'probeStarted':
      return logfmt({ ...head, group: event.group, deployment: event.deployment, probes_in_flight: event.probesInFlight });
    case 'probeFailed':
      return logfmt({ ...head, group: event.group, deployment: event.deployment, code: event.code, for_ms: event.cooldownMs });
  }
}
