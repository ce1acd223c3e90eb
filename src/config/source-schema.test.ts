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
