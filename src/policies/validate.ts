import { maxTimerMs } from '../config/limits.js';

// Operators validate their options when they are created, as RxJS's `timeout` does, so a bad
// setting fails where it is written instead of on the first subscription.

/** Throws a TypeError naming the operator and option unless `value` is a finite number > 0. */
export function assertPositiveMs(operator: string, option: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${operator}: ${option} must be a finite number of milliseconds > 0, got ${String(value)}`);
  }
  // A longer timer would fire after 1 ms (Node stores delays in 32 bits): fail where it is written.
  if (value > maxTimerMs) {
    throw new TypeError(`${operator}: ${option} must be at most ${maxTimerMs} ms (the longest timer Node can set), got ${value}`);
  }
}

/** Throws a TypeError unless `value` is a finite number ≥ 0. */
export function assertNonNegative(operator: string, option: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${operator}: ${option} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

/** Throws a TypeError unless `value` is a whole number ≥ 0. */
export function assertCount(operator: string, option: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${operator}: ${option} must be a whole number ≥ 0, got ${String(value)}`);
  }
}
