import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import { clockFromEnv } from './clock.ts';

describe('the clock of the environment', () => {
  it('STRATA_CLOCK_START starts a virtual clock there; STRATA_CLOCK_RATE speeds it up', () => {
    const clock = clockFromEnv({ STRATA_CLOCK_START: '2026-01-01T00:00:00Z', STRATA_CLOCK_RATE: '3600' });
    const now = clock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(Date.parse('2026-01-01T00:00:00Z'));
    // An hour a second: well under a virtual day has passed by the time this line runs.
    expect(now).toBeLessThan(Date.parse('2026-01-02T00:00:00Z'));
  });

  it('without it, real time', () => {
    const before = Date.now();
    const now = clockFromEnv({}).now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('sleepUntil returns at once for a past instant, and when stopped', async () => {
    const clock = clockFromEnv({ STRATA_CLOCK_START: '2026-01-01T00:00:00Z' });
    await clock.sleepUntil(new Date('2025-12-31T00:00:00Z'), new AbortController().signal);
    const stop = new AbortController();
    stop.abort();
    await clock.sleepUntil(new Date('2027-01-01T00:00:00Z'), stop.signal);
  });

  it('a bad start or rate is an error that names the variable', () => {
    for (const env of [
      { STRATA_CLOCK_START: 'yesterday' },
      { STRATA_CLOCK_START: '2026-01-01T00:00:00Z', STRATA_CLOCK_RATE: '-1' },
      { STRATA_CLOCK_RATE: '10' },
    ]) {
      expect(() => clockFromEnv(env)).toThrow(StrataError);
    }
    expect(() => clockFromEnv({ STRATA_CLOCK_START: 'yesterday' })).toThrow(/STRATA_CLOCK_START/);
  });
});
