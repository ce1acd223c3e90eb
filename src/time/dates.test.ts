import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import { addDays, assertIsoDate, dateLiteral, isIsoDate, todayUtc } from './dates.ts';

describe('isIsoDate', () => {
  it('accepts real calendar dates written YYYY-MM-DD', () => {
    for (const value of ['2025-01-01', '2025-12-31', '2024-02-29', '2000-02-29', '1999-06-15']) {
      expect(isIsoDate(value), value).toBe(true);
    }
  });

  it('rejects days and months the calendar does not have', () => {
    for (const value of [
      '2025-02-30',
      '2025-02-29',
      '1900-02-29',
      '2025-04-31',
      '2025-13-01',
      '2025-00-10',
    ]) {
      expect(isIsoDate(value), value).toBe(false);
    }
  });

  it('rejects other spellings of a date', () => {
    for (const value of ['2025-1-1', '2025-01-1', '25-01-01', '2025/01/01', '20250101', ' 2025-01-01', '']) {
      expect(isIsoDate(value), JSON.stringify(value)).toBe(false);
    }
    expect(isIsoDate('2025-01-01T00:00:00Z')).toBe(false);
    expect(isIsoDate('2025-01-01\n')).toBe(false);
  });

  it('rejects strings that try to smuggle SQL', () => {
    for (const value of [
      "2025-01-01'; drop table raw.orders; --",
      "2025-01-01' or '1'='1",
      "' || current_date || '",
      '2025-01-01--',
    ]) {
      expect(isIsoDate(value), value).toBe(false);
    }
  });
});

describe('assertIsoDate', () => {
  it('returns a valid date unchanged', () => {
    expect(assertIsoDate('2025-03-14')).toBe('2025-03-14');
  });

  it('throws DATE_INVALID naming what was wrong and how to write it', () => {
    let caught: unknown;
    try {
      assertIsoDate('2025-02-30', '--from');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StrataError);
    const error = caught as StrataError;
    expect(error.code).toBe('DATE_INVALID');
    expect(error.message).toBe('--from "2025-02-30" is not a valid date');
    expect(error.hint).toBe('Write dates as YYYY-MM-DD, e.g. 2025-03-14.');
  });
});

describe('dateLiteral', () => {
  it('renders a typed SQL date literal', () => {
    expect(dateLiteral('2025-03-14')).toBe("DATE '2025-03-14'");
  });

  it('refuses anything that is not a calendar date, so nothing else can reach SQL', () => {
    expect(() => dateLiteral("2025-03-14'; drop table x; --")).toThrow(
      expect.objectContaining({ code: 'DATE_INVALID' }),
    );
    expect(() => dateLiteral('2025-13-01')).toThrow(expect.objectContaining({ code: 'DATE_INVALID' }));
  });
});

describe('addDays', () => {
  it('adds and subtracts days within a month', () => {
    expect(addDays('2025-03-14', 1)).toBe('2025-03-15');
    expect(addDays('2025-03-14', -13)).toBe('2025-03-01');
    expect(addDays('2025-03-14', 0)).toBe('2025-03-14');
  });

  it('crosses month ends, including February in leap and common years', () => {
    expect(addDays('2025-01-31', 1)).toBe('2025-02-01');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-04-30', 1)).toBe('2025-05-01');
  });

  it('crosses year ends in both directions', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('2024-12-25', 10)).toBe('2025-01-04');
    expect(addDays('2025-01-01', 365)).toBe('2026-01-01');
    expect(addDays('2024-01-01', 366)).toBe('2025-01-01');
  });

  it('rejects an invalid start date', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(expect.objectContaining({ code: 'DATE_INVALID' }));
  });
});

describe('todayUtc', () => {
  it('is the UTC calendar date, not the local one', () => {
    expect(todayUtc(new Date('2025-03-14T23:59:59.999Z'))).toBe('2025-03-14');
    expect(todayUtc(new Date('2025-03-15T00:00:00+02:00'))).toBe('2025-03-14');
  });
});
