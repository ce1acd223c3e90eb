import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles from the base delay with every attempt', () => {
    const full = () => 1;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 100, 100_000, full))).toEqual([
      100, 200, 400, 800, 1600,
    ]);
  });

  it('keeps half of the delay fixed and jitters the other half', () => {
    for (const attempt of [1, 2, 3, 6]) {
      const exponential = 250 * 2 ** (attempt - 1);
      expect(backoffDelay(attempt, 250, 1_000_000, () => 0)).toBe(exponential / 2);
      expect(backoffDelay(attempt, 250, 1_000_000, () => 0.999999)).toBeLessThanOrEqual(exponential);
      expect(backoffDelay(attempt, 250, 1_000_000, () => 0.5)).toBe(Math.round((exponential * 3) / 4));
    }
  });

  it('stays within [max/2, max] however many attempts, and never retries immediately', () => {
    for (const attempt of [1, 5, 10, 20, 64, 1_100, Number.MAX_SAFE_INTEGER]) {
      for (const random of [0, 0.3, 0.7, 1]) {
        const delay = backoffDelay(attempt, 500, 30_000, () => random);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeLessThanOrEqual(30_000);
        expect(delay).toBeGreaterThanOrEqual(Math.min(30_000, 500 * 2 ** (attempt - 1)) / 2);
        expect(delay).toBeGreaterThan(0);
      }
    }
    expect(backoffDelay(40, 500, 30_000, () => 0)).toBe(15_000);
  });

  it('treats attempt 0 or less as the first attempt, and returns whole milliseconds', () => {
    expect(backoffDelay(0, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(-3, 100, 1000, () => 1)).toBe(100);
    expect(Number.isInteger(backoffDelay(3, 333, 10_000, () => 0.123))).toBe(true);
  });

  it('is zero when the base delay is zero', () => {
    expect(backoffDelay(3, 0, 1000, () => 1)).toBe(0);
  });

  it('uses Math.random by default, within the bounds', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(3, 100, 10_000);
      expect(delay).toBeGreaterThanOrEqual(200);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });
});

describe('sleep', () => {
  it('waits about the given time', async () => {
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});
