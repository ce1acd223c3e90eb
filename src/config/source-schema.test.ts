import { describe, expect, it } from 'vitest';
import { fileSourceSchema } from './source-schema.ts';

const source = (quarantine?: unknown) =>
  fileSourceSchema.safeParse({
    files: 'data/*.ndjson',
    contract: { fields: { id: { type: 'string' } } },
    ...(quarantine === undefined ? {} : { quarantine }),
  });

describe('a source’s quarantine gate', () => {
  it('is left to the default when not set, and takes a share as a fraction or a percentage', () => {
    expect(source().data?.quarantine).toBeUndefined();
    expect(source({}).data?.quarantine).toEqual({ maxPercent: 5, minQuarantined: 10, severity: 'error' });
    expect(source({ maxShare: 0.07 }).data?.quarantine).toMatchObject({ maxPercent: 7 });
    expect(source({ maxShare: '2.5%' }).data?.quarantine).toMatchObject({ maxPercent: 2.5 });
    expect(source({ minQuarantined: 1, severity: 'warn' }).data?.quarantine).toEqual({
      maxPercent: 5,
      minQuarantined: 1,
      severity: 'warn',
    });
    expect(source(false).data?.quarantine).toBe(false);
  });

  it('refuses what is not a share, a count or a severity', () => {
    for (const wrong of [
      { maxShare: 5 },
      { maxShare: '120%' },
      { minQuarantined: 0 },
      { severity: 'fatal' },
      true,
    ]) {
      expect(source(wrong).error?.issues[0]?.message, JSON.stringify(wrong)).toMatch(/^must be false, or/);
    }
  });
});

describe('a source’s load date', () => {
  const loadDate = (rule: unknown) =>
    fileSourceSchema.safeParse({
      files: 'data/*.csv',
      loadDate: rule,
      contract: { fields: { id: { type: 'string' } } },
    });
  const problems = (rule: unknown) =>
    loadDate(rule).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);

  it('takes fromPath (pattern is its older name), a value or a column with an optional format', () => {
    expect(loadDate({ fromPath: String.raw`(\d{4}-\d{2}-\d{2})` }).data?.loadDate).toEqual({
      fromPath: String.raw`(\d{4}-\d{2}-\d{2})`,
    });
    expect(loadDate({ pattern: '(?<date>.*)' }).data?.loadDate).toEqual({ fromPath: '(?<date>.*)' });
    expect(loadDate({ value: '2024-02-29' }).data?.loadDate).toEqual({ value: '2024-02-29' });
    expect(loadDate({ fromColumn: 'InvoiceDate', format: '%d/%m/%Y %H:%M' }).data?.loadDate).toEqual({
      fromColumn: 'InvoiceDate',
      format: '%d/%m/%Y %H:%M',
    });
  });

  it('refuses an expression that is not one, a date that does not exist, a format without %, and anything else', () => {
    expect(problems({ fromPath: '(\\d' })).toEqual([
      ['loadDate.fromPath', 'must be a valid regular expression'],
    ]);
    expect(problems({ value: '2025-02-29' })).toEqual([
      ['loadDate.value', 'must be a date that exists, YYYY-MM-DD'],
    ]);
    expect(problems({ fromColumn: 'at', format: 'dd/mm' })).toEqual([
      ['loadDate.format', 'must be a strptime format such as %d/%m/%Y'],
    ]);
    expect(problems({ column: 'at' })?.[0]?.[1]).toMatch(
      /^must be \{ fromPath: .+ \{ value: .+ \{ fromColumn: /,
    );
  });
});
