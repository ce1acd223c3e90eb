import { describe, expect, it } from 'vitest';
import { MAX_BACKFILL_DAYS, chunkRange, newBackfillId, validateBackfill } from './backfill-plan.ts';

describe('chunkRange', () => {
  it('cuts a range into chunks of consecutive dates in order, the last one shorter', () => {
    expect(chunkRange('2025-02-27', '2025-03-03', 1).map((c) => c.from)).toEqual([
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
      '2025-03-02',
      '2025-03-03',
    ]);
    expect(chunkRange('2025-02-27', '2025-03-03', 3)).toEqual([
      { from: '2025-02-27', to: '2025-03-01' },
      { from: '2025-03-02', to: '2025-03-03' },
    ]);
    expect(chunkRange('2025-01-01', '2025-01-01', 7)).toEqual([{ from: '2025-01-01', to: '2025-01-01' }]);
  });
});

describe('validateBackfill', () => {
  it('takes a range in order within the bound', () => {
    expect(() => validateBackfill({ from: '2025-01-01', to: '2025-01-31', chunkDays: 7 })).not.toThrow();
  });

  it('refuses a missing end, a reversed range, a bad chunk and a range too long', () => {
    expect(() => validateBackfill({ from: '2025-01-01' })).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(() => validateBackfill({ from: '2025-02-01', to: '2025-01-01' })).toThrow(
      expect.objectContaining({ code: 'DATE_INVALID' }),
    );
    expect(() => validateBackfill({ from: '2025-01-01', to: '2025-13-01' })).toThrow(
      expect.objectContaining({ code: 'DATE_INVALID' }),
    );
    expect(() => validateBackfill({ from: '2025-01-01', to: '2025-01-02', chunkDays: 0 })).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    let tooLong: unknown;
    try {
      validateBackfill({ from: '2000-01-01', to: '2030-01-01' });
    } catch (error) {
      tooLong = error;
    }
    expect(tooLong).toMatchObject({ code: 'BACKFILL_RANGE_TOO_LONG' });
    expect((tooLong as { hint: string }).hint).toContain('--to 2010-01-07, then from 2010-01-08');
    const last = new Date(Date.UTC(2000, 0, MAX_BACKFILL_DAYS)).toISOString().slice(0, 10);
    expect(() => validateBackfill({ from: '2000-01-01', to: last })).not.toThrow();
  });

  it('refuses --resume with the options that define a backfill, naming them', () => {
    expect(() => validateBackfill({ resume: true, from: '2025-01-01', select: ['a'] })).toThrow(
      /--resume cannot be combined with --from, --select/,
    );
    expect(() => validateBackfill({ resume: 'b1', chunkDays: 2 })).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
    expect(() => validateBackfill({ resume: true })).not.toThrow();
  });
});

describe('newBackfillId', () => {
  it('sorts by start time like a run id', () => {
    expect(newBackfillId(new Date('2025-03-14T02:00:00Z'))).toMatch(/^b20250314T020000Z-[0-9a-f]{6}$/);
  });
});
