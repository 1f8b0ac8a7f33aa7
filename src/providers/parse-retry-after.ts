import { headerValue, type ResponseHeaders } from './header-value.js';

const plainNumber = /^\d+(?:\.\d+)?$/;

function nonNegativeNumber(text: string | undefined): number | undefined {
  const trimmed = text?.trim();
  return trimmed !== undefined && plainNumber.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * How long (seconds) an upstream asks us to wait, as the openai SDK reads it: `retry-after-ms`
 * (milliseconds), else `retry-after` as seconds or as an HTTP-date relative to `nowMs`. A date in the
 * past gives 0; an absent or unreadable header gives `undefined`.
 *
 * @example
 * parseRetryAfter({ 'retry-after': '2' }, Date.now()) // 2
 * parseRetryAfter({ 'retry-after-ms': '1500' }, Date.now()) // 1.5
 */
export function parseRetryAfter(headers: ResponseHeaders, nowMs: number): number | undefined {
  const ms = nonNegativeNumber(headerValue(headers, 'retry-after-ms'));
  if (ms !== undefined) return ms / 1000;
  const value = headerValue(headers, 'retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  const seconds = nonNegativeNumber(value);
  if (seconds !== undefined) return seconds;
  // Date.parse accepts bare numbers such as "-5" as years; an HTTP-date always names a month.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - nowMs) / 1000);
}
