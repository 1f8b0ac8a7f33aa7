import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  InternalServerError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
} from '../../src/errors/error-classes.js';
import { readStreamEvent, type StreamEvent } from '../../src/providers/read-stream-event.js';

function errorOf(event: StreamEvent): unknown {
  expect(event.kind).toBe('error');
  return event.kind === 'error' ? event.error : undefined;
}

const chunk = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };

describe('readStreamEvent', () => {
  it('reads [DONE] as the end of the stream', () => {
    expect(readStreamEvent({ data: '[DONE]' })).toEqual({ kind: 'done' });
    expect(readStreamEvent({ data: ' [DONE] ' })).toEqual({ kind: 'done' });
  });

  it('reads a chunk', () => {
    expect(readStreamEvent({ data: JSON.stringify(chunk) })).toEqual({ kind: 'chunk', chunk });
  });

  it('reads a usage-only chunk (no choices) as a chunk', () => {
    const usage = { ...chunk, choices: [], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } };
    expect(readStreamEvent({ data: JSON.stringify(usage) })).toEqual({ kind: 'chunk', chunk: usage });
  });

  it('ignores an empty data event', () => {
    expect(readStreamEvent({ data: '' })).toEqual({ kind: 'ignore' });
  });

  it('turns data that is not JSON into APIConnectionError with the parse error as cause', () => {
    const error = errorOf(readStreamEvent({ data: '{"id": "c1", "choi' }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).status).toBe(502);
    expect((error as APIConnectionError).cause).toBeInstanceOf(SyntaxError);
  });

  it('turns JSON that is not a chunk into APIConnectionError', () => {
    expect(errorOf(readStreamEvent({ data: '{"hello": "world"}' }))).toBeInstanceOf(APIConnectionError);
    expect(errorOf(readStreamEvent({ data: '42' }))).toBeInstanceOf(APIConnectionError);
  });

  it('turns an error event into the error its OpenAI type names', () => {
    const error = errorOf(
      readStreamEvent({ data: JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } }) }),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', message: 'slow down' });
  });

  it('reads a numeric code (LiteLLM sends the status as the code) as the status', () => {
    const error = errorOf(readStreamEvent({ data: JSON.stringify({ error: { message: 'busy', type: 'None', code: '429' } }) }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('prefers an explicit status field', () => {
    const error = errorOf(readStreamEvent({ data: JSON.stringify({ error: { message: 'overloaded', status: 503 } }) }));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
  });

  it('reads another rxllm proxy\'s timeout event as a timeout', () => {
    const error = errorOf(readStreamEvent({ data: JSON.stringify({ error: { message: 'idle', type: 'timeout_error', param: null, code: 'idle_timeout' } }) }));
    expect(error).toBeInstanceOf(RequestTimeoutError);
  });

  it('turns an error event with no status, code or type into InternalServerError keeping its code', () => {
    const error = errorOf(readStreamEvent({ data: JSON.stringify({ error: { message: 'boom', code: 'model_crashed' } }) }));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 500, code: 'model_crashed', message: 'boom' });
  });

  it('treats `event: error` as an error even without an error field', () => {
    const error = errorOf(readStreamEvent({ event: 'error', data: JSON.stringify({ message: 'stream failed' }) }));
    expect(error).toBeInstanceOf(InternalServerError);
  });

  it('masks the API key when the upstream echoes it', () => {
    const error = errorOf(readStreamEvent({ data: JSON.stringify({ error: { message: 'bad key sk-secret-1' } }) }, 'sk-secret-1'));
    expect((error as Error).message).not.toContain('sk-secret-1');
  });
});
