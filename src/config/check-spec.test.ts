import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkEntrySchema } from './check-spec.ts';

const parse = (entry: unknown) => checkEntrySchema.parse(entry);
const problems = (entry: unknown) =>
  z
    .array(checkEntrySchema)
    .safeParse([entry])
    .error?.issues.map((i) => [i.path.join('.'), i.message]);

describe('check entries', () => {
  it('take a bare type name under a column, and the column-less forms of each type', () => {
    expect(parse('not_null')).toEqual({ type: 'not_null', columns: [], severity: 'error' });
    expect(parse({ unique: ['a', 'b'] })).toEqual({ type: 'unique', columns: ['a', 'b'], severity: 'error' });
    expect(parse({ accepted_values: ['x', 1, true] })).toEqual({
      type: 'accepted_values',
      values: ['x', 1, true],
      severity: 'error',
    });
    expect(parse({ freshness: '36h' })).toMatchObject({
      type: 'freshness',
      maxAge: '36h',
      maxAgeMs: 36 * 3_600_000,
    });
    expect(parse({ volume: 30 })).toMatchObject({ type: 'volume', tolerancePercent: 30, days: 7 });
    expect(parse({ reconciliation: 'raw' })).toMatchObject({
      type: 'reconciliation',
      with: 'raw',
      tolerancePercent: 0,
    });
  });

  it('take options beside the type: severity, fail_above as rows or percent, scope, name', () => {
    expect(parse({ not_null: 'id', severity: 'warn', fail_above: 3, scope: 'all', name: 'ids' })).toEqual({
      type: 'not_null',
      columns: ['id'],
      severity: 'warn',
      failAbove: { rows: 3 },
      scope: 'all',
      name: 'ids',
    });
    expect(parse({ expression: 'a < b', fail_above: '0.5%' })).toMatchObject({ failAbove: { percent: 0.5 } });
    expect(parse({ freshness: { column: 'load_date', max_age: '2 days' } })).toMatchObject({
      column: 'load_date',
      maxAgeMs: 2 * 86_400_000,
    });
  });

  it('report each problem at its path within the entry', () => {
    expect(problems({ nul_null: 'id' })).toEqual([
      ['0.nul_null', expect.stringContaining('unknown check type or option "nul_null"')],
    ]);
    expect(problems({ range: { column: 'x' } })).toEqual([['0.range', 'give min, max or both']]);
    expect(problems({ not_null: 'id', severity: 'fatal', fail_above: 'lots' })).toEqual([
      ['0.severity', expect.stringContaining('Invalid option')],
      ['0.fail_above', expect.stringContaining('must be a row count or a percentage')],
    ]);
    expect(problems({ unique: 'id', not_null: 'id' })).toEqual([
      ['0', 'a check names one type, not unique and not_null'],
    ]);
    expect(problems({ freshness: 'soon' })).toEqual([
      ['0.freshness', expect.stringContaining('must be an age')],
    ]);
  });
});
