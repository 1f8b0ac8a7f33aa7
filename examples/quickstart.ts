// rxllm quick start: a Router over mock deployments (no API keys, no network). The "primary" group's
// only deployment never answers (`mock_timeout`), so its `stream_timeout` fires, the router retries
// it once, then falls back to "backup", which streams its answer. Every step is printed as it happens.
//
// Run: npm run example
import { Router, type RouterEvent, RxllmError } from '../src/index.js';

const router = new Router({
  model_list: [
    { model_name: 'primary', litellm_params: { model: 'openai/gpt-4o', mock_timeout: true }, model_info: { id: 'primary-1' } },
    {
      model_name: 'backup',
      litellm_params: { model: 'openai/gpt-4o-mini', mock_response: 'Hello from the backup deployment: the primary timed out, so rxllm fell back.' },
      model_info: { id: 'backup-1' },
    },
  ],
  timeout: 10, // deadline for the whole call (s)
  stream_timeout: 0.5, // longest wait for a stream's first chunk (s)
  num_retries: 1,
  retry_after: 0.1, // wait at least 0.1 s before retrying the same deployment
  fallbacks: [{ primary: ['backup'] }],
});

const started = Date.now();
const elapsed = () => `${String(Date.now() - started).padStart(5)} ms`;

function describe(event: RouterEvent): string {
  switch (event.type) {
    case 'attemptStarted':
      return `attempt started on ${event.deployment} (group ${event.group})`;
    case 'attemptFailed':
      return `attempt on ${event.deployment} failed: ${event.status} ${event.code} after ${event.latencyMs} ms`;
    case 'attemptSucceeded':
      return `attempt on ${event.deployment} succeeded (first chunk after ${event.ttftMs} ms)`;
    case 'attemptCancelled':
      return `attempt on ${event.deployment} cancelled by the caller`;
    case 'retry':
      return `retry #${event.retry} in ${event.group} after ${Math.round(event.delayMs)} ms`;
    case 'fallback':
      return `falling back from ${event.from} to ${event.to}`;
    case 'hedgeStarted':
      return `no first chunk after ${event.afterMs} ms: hedging on ${event.deployment}`;
    case 'hedgeSkipped':
      return `a hedge was due but skipped (${event.reason})`;
    case 'hedgeWon':
      return `${event.winner} won the race${event.losers.length > 0 ? `; ${event.losers.join(', ')} aborted` : ''}`;
    case 'cooldownStarted':
      return `${event.deployment} cools down until +${Math.round(event.until - event.at)} ms (${event.reason})`;
    case 'cooldownEnded':
      return `${event.deployment} is back, on probation`;
    case 'callStarted':
      return `call ${event.call} to ${event.group} started`;
    case 'callSucceeded':
      return `call ${event.call} answered by ${event.deployment} in ${event.latencyMs} ms`;
    case 'callFailed':
      return `call ${event.call} failed: ${event.status} ${event.code}`;
    case 'callCancelled':
      return `call ${event.call} cancelled by the caller`;
    case 'probeStarted':
      return `probing ${event.deployment} (${event.probesInFlight} in flight)`;
    case 'probeSucceeded':
      return `${event.deployment} passed its probe: all traffic again`;
    case 'probeFailed':
      return `${event.deployment} failed its probe (${event.code}): cools for ${Math.round(event.cooldownMs)} ms`;
  }
}

const events = router.events$.subscribe((event) => console.log(`${elapsed()}  [event] ${describe(event)}`));

let answer = '';
router
  .completion$(
    { model: 'primary', messages: [{ role: 'user', content: 'Say hello' }], stream: true },
    { onCommit: (info) => console.log(`${elapsed()}  [commit] answering from ${info.deployment} after ${info.attemptedFallbacks} fallback(s)`) },
  )
  .subscribe({
    next: (chunk) => {
      answer += chunk.choices[0]?.delta.content ?? '';
    },
    error: (error: unknown) => {
      console.error(`${elapsed()}  [error] ${error instanceof RxllmError ? `${error.status} ${error.code}: ${error.message}` : String(error)}`);
      process.exitCode = 1;
      finish();
    },
    complete: () => {
      console.log(`${elapsed()}  [answer] ${answer}`);
      finish();
    },
  });

function finish(): void {
  events.unsubscribe();
  void router.close();
}
