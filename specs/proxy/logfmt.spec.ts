import { describe, expect, it } from 'vitest';
import { logfmt } from '../../src/proxy/logfmt.js';
import { formatRequestLog } from '../../src/proxy/request-log.js';
import { parseLogfmt } from './test-proxy.js';

describe('logfmt', () => {
  it('writes key=value pairs in order, leaving undefined values out', () => {
    expect(logfmt({ level: 'info', status: 200, stream: true, model: undefined, path: '/v1/models' })).toBe(
      'level=info status=200 stream=true path=/v1/models',
    );
  });

  it('quotes values with spaces, quotes, equals signs or nothing in them', () => {
    expect(logfmt({ msg: 'two words', q: 'say "hi"', eq: 'a=b', empty: '' })).toBe(
      'msg="two words" q="say \\"hi\\"" eq="a=b" empty=""',
    );
  });

  it('round-trips through a logfmt parser', () => {
    const fields = { msg: 'a "quoted" thing\nnext line', model: 'gpt-4o', n: 3 };
    expect(parseLogfmt(logfmt(fields))).toEqual({ msg: fields.msg, model: 'gpt-4o', n: '3' });
  });
});

describe('formatRequestLog', () => {
  it('has method, path, model, deployment, status, duration, attempts, retries and fallbacks', () => {
    const line = formatRequestLog(
      { method: 'POST', path: '/v1/chat/completions', model: 'gpt-4o', deployment: 'gpt-4o/1', stream: true, attempts: 3, retries: 1, fallbacks: 1 },
      { status: 200, durationMs: 812.44, clientClosed: false },
    );
    expect(parseLogfmt(line)).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: 'info',
      msg: 'request',
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-4o',
      deployment: 'gpt-4o/1',
      status: '200',
      duration_ms: '812.4',
      attempts: '3',
      retries: '1',
      fallbacks: '1',
      stream: 'true',
    });
  });

  it('marks errors by level and code, and a client that left', () => {
    const fields = parseLogfmt(
      formatRequestLog({ method: 'POST', path: '/chat/completions', error: 'first_chunk_timeout' }, { status: 408, durationMs: 5, clientClosed: true }),
    );
    expect(fields).toMatchObject({ level: 'warn', status: '408', error: 'first_chunk_timeout', client_closed: 'true' });
    expect(parseLogfmt(formatRequestLog({ method: 'GET', path: '/x' }, { status: 502, durationMs: 1, clientClosed: false }))['level']).toBe('error');
  });
});
