import { describe, expect, it } from 'vitest';
import {
  blackFriday,
  dayOfWeek,
  dayString,
  ecommerceSeasonality,
  isoTimestamp,
  parseDay,
} from './calendar.ts';
import { AliasTable, Rng, SortedUniforms } from './prng.ts';

describe('Rng', () => {
  it('repeats a stream for the same seed and name, and differs otherwise', () => {
    const draw = (seed: number, name: string): number[] => {
      const rng = new Rng(seed, name);
      return Array.from({ length: 5 }, () => rng.u32());
    };
    expect(draw(1, 'a')).toEqual(draw(1, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(2, 'a'));
    expect(draw(1, 'a')).not.toEqual(draw(1, 'b'));
  });

  it('draws uniforms, Poisson counts and sorted samples with the right shape', () => {
    const rng = new Rng(7, 'shape');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += rng.next();
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
    let events = 0;
    for (let i = 0; i < 2_000; i++) events += rng.poisson(3);
    expect(events / 2_000).toBeCloseTo(3, 0);
    const sorted = new SortedUniforms(rng, 1000);
    let previous = 0;
    for (let v = sorted.next(); v !== undefined; v = sorted.next()) {
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
    expect(previous).toBeLessThan(1);
  });

  it('samples an alias table in proportion to its weights', () => {
    const table = new AliasTable([1, 3, 6]);
    const rng = new Rng(3, 'alias');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const k = table.sample(rng);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect((counts[2] ?? 0) / 30_000).toBeCloseTo(0.6, 1);
  });
});

describe('calendar', () => {
  it('parses and formats days and timestamps', () => {
    const day = parseDay('2025-03-14');
    expect(dayString(day)).toBe('2025-03-14');
    expect(isoTimestamp(day * 86_400 + 9 * 3600 + 12 * 60 + 33)).toBe('2025-03-14T09:12:33Z');
    expect(dayOfWeek(parseDay('2025-03-15'))).toBe(6);
    expect(() => parseDay('2025-02-29')).toThrow(expect.objectContaining({ code: 'DATE_INVALID' }));
  });

  it('knows Black Friday and makes it the busiest day of the year', () => {
    expect(dayString(blackFriday(2025))).toBe('2025-11-28');
    expect(dayString(blackFriday(2024))).toBe('2024-11-29');
    const first = parseDay('2025-01-01');
    let best = first;
    let total = 0;
    for (let d = first; d < first + 365; d++) {
      total += ecommerceSeasonality(d);
      if (ecommerceSeasonality(d) > ecommerceSeasonality(best)) best = d;
    }
    expect(dayString(best)).toBe('2025-11-28');
    expect(total / 365).toBeCloseTo(1, 2);
  });
});
