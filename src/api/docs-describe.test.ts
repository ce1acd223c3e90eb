import { describe, expect, it } from 'vitest';
import { contractSchema } from '../config/contract-schema.ts';
import { fileSourceSchema } from '../config/source-schema.ts';
import {
  checkColumns,
  checkInWords,
  contractFields,
  safeUrl,
  sourceFormat,
  sourceLocation,
} from './docs-describe.ts';

describe('checks in words', () => {
  it('says what each rule requires, with its threshold', () => {
    expect(checkInWords({ type: 'not_null', columns: ['customer_sk'] })).toBe('customer_sk is never null');
    expect(checkInWords({ type: 'unique', columns: ['a', 'b'] })).toBe('(a, b) is unique together');
    expect(checkInWords({ type: 'accepted_values', column: 'status', values: ['placed', 'shipped'] })).toBe(
      'status is one of placed, shipped',
    );
    expect(checkInWords({ type: 'range', column: 'quantity', min: 1 })).toBe('quantity is at least 1');
    expect(checkInWords({ type: 'relationships', column: 'customer_id', to: 'dim_customer' })).toBe(
      'every customer_id is a customer_id of dim_customer',
    );
    expect(checkInWords({ type: 'expression', expression: 'customer_found' }, { percent: 5 })).toBe(
      'every row satisfies customer_found (fails above 5% of the rows checked)',
    );
    expect(checkInWords({ type: 'reconciliation', with: 'raw', tolerancePercent: 0 })).toBe(
      'every record received is staged, quarantined or a duplicate',
    );
  });

  it('names the columns a check is about, none for table-level checks', () => {
    expect(checkColumns({ type: 'unique', columns: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(checkColumns({ type: 'range', column: 'q', min: 0 })).toEqual(['q']);
    expect(checkColumns({ type: 'freshness', column: 'load_date', maxAge: '36h', maxAgeMs: 1 })).toEqual([]);
    expect(checkColumns({ type: 'expression', expression: 'a > 0' })).toEqual([]);
  });
});

describe('contract fields', () => {
  it('lists each field with its type and rules, and an array field’s items after it', () => {
    const contract = contractSchema.parse({
      uniqueKey: ['order_id'],
      fields: {
        order_id: { type: 'string', required: true, description: ' The order. \n' },
        total: { type: 'decimal', precision: 12, scale: 2, min: 0 },
        status: { type: 'enum', values: ['placed', 'shipped'], from: 'Status' },
        items: { type: 'array', items: { sku: { type: 'string', pattern: '^[A-Z]+$' } } },
      },
    });
    expect(contractFields(contract)).toEqual([
      { name: 'order_id', type: 'string', rules: ['required', 'unique key'], description: 'The order.' },
      { name: 'total', type: 'decimal(12, 2)', rules: ['>= 0'], description: null },
      {
        name: 'status',
        type: 'enum',
        rules: ['read from "Status"', 'in (placed, shipped)'],
        description: null,
      },
      { name: 'items', type: 'array', rules: [], description: null },
      { name: 'items[].sku', type: 'string', rules: ['matches /^[A-Z]+$/'], description: null },
    ]);
  });
});

describe('source location', () => {
  it('shows file patterns as declared', () => {
    const source = fileSourceSchema.parse({
      files: ['data/a/*.csv', 'data/b/*.csv'],
      contract: { fields: { id: { type: 'string' } } },
    });
    expect(sourceLocation(source)).toEqual({ type: 'files', location: 'data/a/*.csv, data/b/*.csv' });
    expect(sourceFormat(source)).toBe('csv');
    const contract = { fields: { id: { type: 'string' as const } } };
    expect(sourceFormat(fileSourceSchema.parse({ files: 'x/*.csv.gz', contract }))).toBe('csv (gzip)');
    expect(sourceFormat(fileSourceSchema.parse({ files: 'x/*.txt', format: 'ndjson', contract }))).toBe(
      'ndjson',
    );
    expect(sourceFormat(fileSourceSchema.parse({ files: 'x/*', contract }))).toBeNull();
  });

  it('never shows credentials: no user or password, no query values, no headers', () => {
    const source = fileSourceSchema.parse({
      http: {
        url: 'https://user:secret@api.example.com/v1/products?api_key=abc123&page=1',
        headers: { Authorization: { env: 'API_TOKEN', prefix: 'Bearer ' } },
      },
      contract: { fields: { id: { type: 'string' } } },
    });
    const { type, location } = sourceLocation(source);
    expect(type).toBe('http');
    expect(location).toBe('https://api.example.com/v1/products?api_key=…&page=…');
    expect(location).not.toMatch(/secret|abc123|API_TOKEN|Bearer/);
    expect(safeUrl('http://example.com/x')).toBe('http://example.com/x');
  });
});
