// The upstream of the Router's property specs: each provider call plays one `Behaviour` in virtual
// time, as a cold Observable, and the provider counts the subscriptions still open, so a spec can
// prove that every upstream call was unsubscribed (aborted) or ended by the time the run is over.
import { Observable, type SchedulerLike, Subscription } from 'rxjs';
import { APIConnectionError } from '../../src/errors/error-classes.js';
import { errorFromStatus } from '../../src/errors/error-from-status.js';
import type { RxllmError } from '../../src/errors/rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionDelta } from '../../src/protocol/chat.js';
import type { Provider } from '../../src/providers/provider.js';
import type { Behaviour, DeploymentSpec, UpstreamFault } from './scenario.js';

export type Output = ChatCompletion | ChatCompletionChunk;

/** `chatcmpl-<tag>`: every value an upstream call sends carries its call's tag. */
export function idOf(tag: string): string {
  return `chatcmpl-${tag}`;
}

/** The tag of the upstream call a value came from (see `idOf`). */
export function tagOf(value: Output): string {
  return value.id.replace(/^chatcmpl-/, '');
}

function chunk(tag: string, delta: ChatCompletionDelta, finishReason: string | null = null): ChatCompletionChunk {
  return { id: idOf(tag), object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

function completion(tag: string): ChatCompletion {
  return {
    id: idOf(tag),
    object: 'chat.completion',
    created: 0,
    model: 'scripted',
    choices: [{ index: 0, message: { role: 'assistant', content: tag }, finish_reason: 'stop' }],
  };
}

/** The error a provider adapter makes of an upstream status (or of a reset connection). */
export function upstreamError(fault: UpstreamFault, retryAfter: number | undefined): RxllmError {
  if (fault === 'connection') return new APIConnectionError('scripted upstream: connection reset');
  return errorFromStatus(fault, `scripted upstream answered ${fault}`, retryAfter === undefined ? {} : { retryAfter });
}

type Step = { readonly at: number } & ({ readonly next: Output } | { readonly error: RxllmError } | { readonly complete: true });

/** Content chunks `<tag>:<n>` at `at`, then after each gap, the held content-free ones first. */
function chunkSteps(tag: string, at: number, gaps: readonly number[], preamble: boolean, finish: boolean): Step[] {
  const steps: Step[] = preamble
    ? [
        { at, next: chunk(tag, { role: 'assistant', content: '' }) },
        { at, next: chunk(tag, {}) },
      ]
    : [];
  let time = at;
  steps.push({ at: time, next: chunk(tag, { content: `${tag}:0` }) });
  gaps.forEach((gap, index) => {
    time += gap;
    steps.push({ at: time, next: chunk(tag, { content: `${tag}:${index + 1}` }) });
  });
  if (finish) steps.push({ at: time, next: chunk(tag, {}, 'stop') });
  return steps;
}

function lastAt(steps: readonly Step[]): number {
  return steps[steps.length - 1]?.at ?? 0;
}

/** What a behaviour sends, and when, for a streaming or non-streaming call tagged `tag`. */
export function behaviourSteps(behaviour: Behaviour, stream: boolean, tag: string): Step[] {
  switch (behaviour.kind) {
    case 'hang':
      return [];
    case 'fault':
      return [{ at: behaviour.at, error: upstreamError(behaviour.fault, behaviour.retryAfter) }];
    case 'empty':
      return [{ at: behaviour.at, complete: true }];
    default:
      break;
  }
  const { at, gaps } = behaviour;
  const preamble = 'preamble' in behaviour && behaviour.preamble;
  const answer = stream ? chunkSteps(tag, at, gaps, preamble, behaviour.kind !== 'stall' && behaviour.kind !== 'breaks') : [{ at, next: completion(tag) }];
  const end = lastAt(answer);
  switch (behaviour.kind) {
    case 'answer':
      return [...answer, { at: end, complete: true }];
    case 'stall':
      return answer;
    case 'breaks':
      return [...answer, { at: end + behaviour.after, error: upstreamError(behaviour.fault, undefined) }];
    case 'late':
      return [...answer, { at: end + behaviour.after, complete: true }];
  }
}

/** A cold Observable playing `steps` on `scheduler`, each `at` ms after its subscription. */
export function steps$(steps: readonly Step[], scheduler: SchedulerLike): Observable<Output> {
  return new Observable<Output>((subscriber) => {
    const timers = new Subscription();
    for (const step of steps) {
      timers.add(
        scheduler.schedule(() => {
          if ('next' in step) subscriber.next(step.next);
          else if ('error' in step) subscriber.error(step.error);
          else subscriber.complete();
        }, step.at),
      );
    }
    return timers;
  });
}

/** One provider call, as the counting provider saw it. */
export interface UpstreamCall {
  /** `<deployment>#<n>`: the n-th call to that deployment. */
  readonly tag: string;
  readonly deployment: string;
  readonly stream: boolean;
  readonly behaviour: Behaviour;
  readonly at: number;
  /** The router's id of the call the attempt belongs to, as `owner` said when the provider was called. */
  readonly call: number | undefined;
  /** When its subscription ended (unsubscribed, completed or errored); undefined while open. */
  closedAt: number | undefined;
}

export interface CountingProvider {
  readonly provider: Provider;
  readonly calls: UpstreamCall[];
  /** Subscriptions to upstream calls not yet unsubscribed, completed or errored. */
  live(): number;
}

/**
 * A provider whose n-th call to a deployment plays `script[n % script.length]`, counting the
 * subscriptions that are still open and noting when each ended. `owner` names the router call each
 * provider call is for. A call to a deployment without a script throws (a spec bug).
 */
export function countingProvider(
  deployments: readonly DeploymentSpec[],
  scheduler: SchedulerLike,
  owner: () => number | undefined = () => undefined,
): CountingProvider {
  const calls: UpstreamCall[] = [];
  const counts = new Map<string, number>();
  let live = 0;
  return {
    calls,
    live: () => live,
    provider: {
      call: (request) => {
        const id = request.deployment.id;
        const script = deployments.find((deployment) => deployment.id === id)?.script ?? [];
        const index = counts.get(id) ?? 0;
        counts.set(id, index + 1);
        const behaviour = script[index % script.length];
        if (behaviour === undefined) throw new Error(`no script for deployment ${id}`);
        const tag = `${id}#${index}`;
        const call: UpstreamCall = { tag, deployment: id, stream: request.stream, behaviour, at: scheduler.now(), call: owner(), closedAt: undefined };
        calls.push(call);
        const upstream$ = steps$(behaviourSteps(behaviour, request.stream, tag), scheduler);
        return new Observable<Output>((subscriber) => {
          live += 1;
          const subscription = upstream$.subscribe(subscriber);
          return () => {
            live -= 1;
            call.closedAt = scheduler.now();
            subscription.unsubscribe();
          };
        });
      },
    },
  };
}
