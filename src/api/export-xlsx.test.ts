import { describe, expect, it } from 'vitest';
import { columnKind } from '../engine/column-kinds.ts';
import { StrataError } from '../errors/strata-error.ts';
import { XLSX_MAX_ROWS, assertFitsSheet, cellValue, sheetName } from './export-xlsx.ts';

describe('the XLSX export, piece by piece', () => {
  it('names a sheet as Excel allows', () => {
    expect(sheetName('fact_order_items')).toBe('fact_order_items');
    expect(sheetName('a/b\\c?d*e[f]g:h')).toBe('a_b_c_d_e_f_g_h');
    expect(sheetName('x'.repeat(40))).toHaveLength(31);
    expect(sheetName("'quoted'")).toBe('quoted');
    expect(sheetName('')).toBe('export');
  });

  it('refuses more rows than a sheet holds under its header, with the way out', () => {
    expect(() => assertFitsSheet(XLSX_MAX_ROWS - 1, XLSX_MAX_ROWS)).not.toThrow();
    let error: unknown;
    try {
      assertFitsSheet(XLSX_MAX_ROWS, XLSX_MAX_ROWS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StrataError);
    expect(error).toMatchObject({ code: 'EXPORT_TOO_MANY_ROWS' });
    expect((error as StrataError).message).toContain('1,048,576 rows');
  });

  it('types cells from either engine’s column types', () => {
    expect(cellValue('2024-02-29', columnKind('DATE'))).toEqual(new Date(Date.UTC(2024, 1, 29)));
    expect(cellValue('2024-03-01 10:11:12.345678', columnKind('TIMESTAMP WITHOUT TIME ZONE'))).toEqual(
      new Date(Date.UTC(2024, 2, 1, 10, 11, 12, 345)),
    );
    expect(cellValue('2024-03-01 10:00:00+02', columnKind('TIMESTAMP WITH TIME ZONE'))).toEqual(
      new Date(Date.UTC(2024, 2, 1, 8)),
    );
    expect(cellValue('1234567.25', columnKind('NUMERIC(20,2)'))).toBe(1234567.25);
    expect(cellValue('9007199254740993', columnKind('BIGINT'))).toBe('9007199254740993');
    expect(cellValue(9007199254740993n, columnKind('HUGEINT'))).toBe('9007199254740993');
    expect(cellValue(true, columnKind('BOOLEAN'))).toBe(true);
    expect(cellValue(null, columnKind('DECIMAL(18,2)'))).toBeNull();
    expect(cellValue({ a: 1 }, columnKind('STRUCT(a INTEGER)'))).toBe('{"a":1}');
    expect(cellValue('not a date', columnKind('DATE'))).toBe('not a date');
  });
});
