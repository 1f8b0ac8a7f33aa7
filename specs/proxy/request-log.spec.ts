import { describe, expect, it } from 'vitest';
import { formatRequestLog, RequestRecord } from '../../src/proxy/request-log.js';

function levelOf(record: RequestRecord, status: number): string | undefined {
  return / level=(\w+)/.exec(formatRequestLog(record, { status, durationMs: 1, clientClosed: false }))?.[1];
}

describe('formatRequestLog levels', () => {
  it('info for a success, warn for a 4xx, error for a 5xx', () => {
    const record = new RequestRecord('POST', '/v1/chat/completions');
    expect([levelOf(record, 200), levelOf(record, 429), levelOf(record, 503)]).toEqual(['info', 'warn', 'error']);
  });

  it('warn for a stream that failed after its first chunk (its status was already 200)', () => {
    const record = new RequestRecord('POST', '/v1/chat/completions');
    record.stream = true;
    record.error = 'idle_timeout';
    expect(levelOf(record, 200)).toBe('warn');
  });
});
