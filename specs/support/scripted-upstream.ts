// The upstream of the Router's property specs: each provider call plays one `Behaviour` in virtual
// time, as a cold Observable of the values its kind of call answers with, and the provider counts the subscriptions still open, so a spec can
// prove that every upstream call was unsubscribed (aborted) or ended by the time the run is over.
import { Observable, type SchedulerLike, Subscription } from 'rxjs';
import { APIConnectionError } from '../../src/errors/error-classes.js';
import { errorFromStatus } from '../../src/errors/error-from-status.js';
import type { RxllmError } from '../../src/errors/rxllm-error.js';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionDelta } from '../../src/protocol/chat.js';
import type { EmbeddingResponse } from '../../src/protocol/embedding.js';
import type { TextCompletion } from '../../src/protocol/text-completion.js';
import type { Provider } from '../../src/providers/provider.js';
import type { CallKindName, CallOutput } from '../../src/router/call-kind.js';
import type { Behaviour, DeploymentSpec, UpstreamFault } from './scenario.js';

export type Output = CallOutput;

/** The id prefixes of chat (`chatcmpl-<tag>`) and text (`cmpl-<tag>`) values. */
const tagPrefix = /^(chatcmpl-|cmpl-)/;

/**
 * The tag of the upstream call a value came from: chat and text values carry it in their id
 * (`chatcmpl-<tag>`, `cmpl-<tag>`), an embeddings list (which has no id) in its `model`.
 */
export function tagOf(value: Output): string {
  return value.object === 'list' ? value.model : value.id.replace(tagPrefix, '');
}

function chunk(tag: string, delta: ChatCompletionDelta, finishReason: string | null = null): ChatCompletionChunk {
  return { id: `chatcmpl-${tag}`, object: 'chat.completion.chunk', created: 0, model: 'scripted', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

function completion(tag: string): ChatCompletion {
  return {
    id: `chatcmpl-${tag}`,
    object: 'chat.completion',
    created: 0,
    model: 'scripted',
    choices: [{ index: 0, message: { role: 'assistant', content: tag }, finish_reason: 'stop' }],
  };
}

/** A text completion, whole or a streamed piece (OpenAI sends both as `text_completion`). */
function textPiece(tag: string, text: string, finishReason: string | null): TextCompletion {
  return { id: `cmpl-${tag}`, object: 'text_completion', created: 0, model: 'scripted', choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }] };
}

function embeddings(tag: string): EmbeddingResponse {
  return { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.6, 0.8] }], model: tag, usage: { prompt_tokens: 1, total_tokens: 1 } };
}

/** The error a provider adapter makes of an upstream status (or of a reset connection). */
export function upstreamError(fault: UpstreamFault, retryAfter: number | undefined): RxllmError {
  if (fault === 'connection') return new APIConnectionError('scripted upstream: connection reset');
  return errorFromStatus(fault, `scripted upstream answered ${fault}`, retryAfter === undefined ? {} : { retryAfter });
}

type Step = { readonly at: number } & ({ readonly next: Output } | { readonly error: RxllmError } | { readonly complete: true });

/** A streamed value of `kind`: content `text`, or a content-free one (`''`), maybe with a finish. */
function piece(kind: CallKindName, tag: string, text: string, finishReason: string | null = null): Output {
  return kind === 'text_completion' ? textPiece(tag, text, finishReason) : chunk(tag, text === '' ? {} : { content: text }, finishReason);
}

/**
 * Content `<tag>:<n>` at `at`, then after each gap, the held content-free ones first: chat sends the
 * role-only chunk and an empty delta, a text completion two empty `text` pieces.
 */
function chunkSteps(kind: CallKindName, tag: string, at: number, gaps: readonly number[], preamble: boolean, finish: boolean): Step[] {
  const opening = kind === 'text_completion' ? textPiece(tag, '', null) : chunk(tag, { role: 'assistant', content: '' });
  const steps: Step[] = preamble
    ? [
        { at, next: opening },
        { at, next: piece(kind, tag, '') },
      ]
    : [];
  let time = at;
  steps.push({ at: time, next: piece(kind, tag, `${tag}:0`) });
  gaps.forEach((gap, index) => {
    time += gap;
    steps.push({ at: time, next: piece(kind, tag, `${tag}:${index + 1}`) });
  });
  if (finish) steps.push({ at: time, next: piece(kind, tag, '', 'stop') });
  return steps;
}

/** The one value a non-streaming call of `kind` answers with. */
function answerOf(kind: CallKindName, tag: string): Output {
  switch (kind) {
    case 'chat':
      return completion(tag);
    case 'text_completion':
      return textPiece(tag, tag, 'stop');
    case 'embedding':
      return embeddings(tag);
  }
}

function lastAt(steps: readonly Step[]): number {
  return steps[steps.length - 1]?.at ?? 0;
}

/** What a behaviour sends, and when, for a call of `kind`, streaming or not, tagged `tag`. */
export function behaviourSteps(behaviour: Behaviour, kind: CallKindName, stream: boolean, tag: string): Step[] {
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
  const answer = stream
    ? chunkSteps(kind, tag, at, gaps, preamble, behaviour.kind !== 'stall' && behaviour.kind !== 'breaks')
    : [{ at, next: answerOf(kind, tag) }];
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
  /** The kind of call the router asked the provider for (chat when the request names none). */
  readonly kind: CallKindName;
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
        const kind = request.kind ?? 'chat';
        const call: UpstreamCall = { tag, deployment: id, stream: request.stream, kind, behaviour, at: scheduler.now(), call: owner(), closedAt: undefined };
        calls.push(call);
        const upstream$ = steps$(behaviourSteps(behaviour, kind, request.stream, tag), scheduler);
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
