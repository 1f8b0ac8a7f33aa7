/**
 * One provider's wire format as the soak's fault upstream speaks it: which paths are its, its whole
 * answers, its stream frames and its error bodies. The fault upstream (../fault-upstream.ts) plays
 * every fault of the matrix out of these pieces (play-answer.ts), so each fault reaches each
 * provider adapter in that provider's own terms.
 */
export const soakFormatNames = ['openai', 'azure', 'gemini', 'anthropic', 'bedrock'] as const;
export type SoakFormatName = (typeof soakFormatNames)[number];

/** The proxy endpoint a client called: an upstream request serves one of them. */
export const soakEndpoints = ['chat', 'completion', 'embedding'] as const;
export type SoakEndpoint = (typeof soakEndpoints)[number];

/** An upstream request, as far as the format's path and body tell. */
export interface SoakRoute {
  /** The upstream endpoint: chat-only providers get text completions as chat. */
  readonly endpoint: SoakEndpoint;
  readonly stream: boolean;
  readonly model: string;
}

/** What one upstream answer is made of. */
export interface SoakCall extends SoakRoute {
  /** The answer's own number: its tokens are `id:seq/total`. */
  readonly id: number;
  readonly total: number;
  /** Embeddings: how many inputs the request had. */
  readonly inputs: number;
}

export interface ErrorAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The faults answered by an error status alone. */
export type StatusFault = '429-retry-after' | '429' | '500' | '503' | '529';

/** SSE text, or binary frames (Bedrock's event stream). */
export type Frame = string | Uint8Array;

export interface SoakWireFormat {
  readonly name: SoakFormatName;
  /** The call `path` (no query) and `body` make, or undefined when they are not this format's. */
  route(path: string, query: URLSearchParams, body: Readonly<Record<string, unknown>>): SoakRoute | undefined;
  /** A whole non-streaming answer. */
  json(call: SoakCall): string;
  /** The answer a status fault gets, with the provider's error body and retry hint. */
  errorAnswer(fault: StatusFault): ErrorAnswer;
  readonly streamContentType: string;
  /** Frames before any content (a role chunk, `message_start`, `messageStart`): none satisfies the first-chunk clock. */
  opening(call: SoakCall): readonly Frame[];
  /** The frame carrying token `seq`. */
  token(call: SoakCall, seq: number): Frame;
  /** The frames that end a whole stream (finish reason, end marker). */
  closing(call: SoakCall): readonly Frame[];
  /** A first frame that does not parse. */
  malformedFirst(call: SoakCall): Frame;
  /** A broken frame after some tokens. */
  malformedMid(call: SoakCall): Frame;
  /** The provider's own error event, mid-stream. */
  errorEvent(call: SoakCall): Frame;
}
