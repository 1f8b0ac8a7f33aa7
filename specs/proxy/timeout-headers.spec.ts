import { describe, expect, it } from 'vitest';
import { maxDurationSeconds } from '../../src/config/limits.js';
import { BadRequestError } from '../../src/errors/error-classes.js';
import { applyTimeoutHeaders } from '../../src/proxy/apply-timeout-headers.js';
import { effectiveTimeoutMs, headerTimeoutMs } from '../../src/proxy/effective-timeout-ms.js';
import { formatSeconds } from '../../src/policies/format-seconds.js';

describe('applyTimeoutHeaders', () => {
  it('sets timeout and stream_timeout from the headers when the body has none', () => {
    const body: Record<string, unknown> = { model: 'm' };
    applyTimeoutHeaders({ 'x-litellm-timeout': '30', 'x-litellm-stream-timeout': '0.5' }, body);
    expect(body).toEqual({ model: 'm', timeout: 30, stream_timeout: 0.5 });
  });

  it('keeps the smaller value when the body sets one too', () => {
    const body: Record<string, unknown> = { timeout: 10, stream_timeout: '0.2' };
    applyTimeoutHeaders({ 'x-litellm-timeout': '3', 'x-litellm-stream-timeout': '5' }, body);
    expect(body).toEqual({ timeout: 3, stream_timeout: 0.2 });
  });

  it('leaves an invalid body value for the router to report', () => {
    const body: Record<string, unknown> = { timeout: 'soon' };
    applyTimeoutHeaders({ 'x-litellm-timeout': '3' }, body);
    expect(body).toEqual({ timeout: 'soon' });
  });

  it('rejects a header that is not a positive number, naming it', () => {
    for (const value of ['abc', '0', '-1', '']) {
      let caught: unknown;
      try {
        applyTimeoutHeaders({ 'x-litellm-stream-timeout': value }, {});
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BadRequestError);
      expect((caught as BadRequestError).param).toBe('x-litellm-stream-timeout');
    }
  });
});

describe('applyTimeoutHeaders: the longest duration', () => {
  it(`accepts ${maxDurationSeconds} s, the longest timer Node can set`, () => {
    const body: Record<string, unknown> = {};
    applyTimeoutHeaders({ 'x-litellm-timeout': String(maxDurationSeconds), 'x-litellm-stream-timeout': String(maxDurationSeconds) }, body);
    expect(body).toEqual({ timeout: maxDurationSeconds, stream_timeout: maxDurationSeconds });
  });

  it('rejects a longer one with a 400 naming the header (a longer timer would fire after 1 ms)', () => {
    for (const header of ['x-litellm-timeout', 'x-litellm-stream-timeout']) {
      for (const value of [String(maxDurationSeconds + 1), '1e12']) {
        let caught: unknown;
        const body: Record<string, unknown> = { timeout: 5 };
        try {
          applyTimeoutHeaders({ [header]: value }, body);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(BadRequestError);
        expect((caught as BadRequestError).status).toBe(400);
        expect((caught as BadRequestError).param).toBe(header);
        expect((caught as BadRequestError).message).toBe(
          `header ${header}: expected at most ${maxDurationSeconds} seconds (24.8 days, the longest timer Node can set), got ${JSON.stringify(value)}`,
        );
        expect(body).toEqual({ timeout: 5 });
      }
    }
  });
});

describe('effectiveTimeoutMs', () => {
  it("is the request's timeout when valid, else the router's", () => {
    expect(effectiveTimeoutMs({ timeout: 0.7 }, 600_000)).toBe(700);
    expect(effectiveTimeoutMs({ timeout: '2' }, 600_000)).toBe(2_000);
    expect(effectiveTimeoutMs({}, 600_000)).toBe(600_000);
    expect(effectiveTimeoutMs({ timeout: -1 }, 600_000)).toBe(600_000);
    expect(effectiveTimeoutMs({ timeout: maxDurationSeconds + 1 }, 600_000)).toBe(600_000);
  });
});

describe('headerTimeoutMs', () => {
  it('is the x-litellm-timeout header when valid, else the router\'s', () => {
    expect(headerTimeoutMs({ 'x-litellm-timeout': '2.5' }, 600_000)).toBe(2_500);
    expect(headerTimeoutMs({}, 600_000)).toBe(600_000);
    expect(headerTimeoutMs({ 'x-litellm-timeout': 'abc' }, 600_000)).toBe(600_000);
    expect(headerTimeoutMs({ 'x-litellm-timeout': String(maxDurationSeconds + 1) }, 600_000)).toBe(600_000);
  });
});

describe('formatSeconds', () => {
  it('writes milliseconds as seconds in a plain decimal', () => {
    expect(formatSeconds(600_000)).toBe('600');
    expect(formatSeconds(700)).toBe('0.7');
    expect(formatSeconds(1)).toBe('0.001');
    expect(formatSeconds(1_234.5678)).toBe('1.234568');
  });
});
