import { describe, expect, it } from 'vitest';
import { contractSchema } from '../config/contract-schema.ts';
import { fileSourceSchema } from '../config/source-schema.ts';
import type { DateMatches, FieldStats } from '../engine/file-profile.ts';
import { DATE_CANDIDATES, chooseDateFormats, formatPattern, swappedOrder } from './date-formats.ts';
import {
  type DraftField,
  arrayField,
  chooseKey,
  decideType,
  draftFields,
  draftSource,
  singleKeyCandidates,
} from './draft.ts';
import { fieldNames, snakeCase, sourceName } from './names.ts';
import { renderDraft, tsValue } from './render.ts';

/** Statistics of a field whose every value is plain text, changed by `overrides`. */
function stats(overrides: Partial<FieldStats> & { name: string }): FieldStats {
  return {
    values: 100,
    empty: 0,
    markers: {},
    distinct: 100,
    maxLength: 10,
    objects: 0,
    arrays: 0,
    integers: 0,
    bigIntegers: 0,
    leadingZeros: 0,
    decimals: 0,
    exponents: 0,
    maxScale: 0,
    maxIntegerDigits: 0,
    trues: 0,
    falses: 0,
    dateLike: 0,
    distinctValues: null,
    exampleText: 'abc',
    min: 'a',
    max: 'z',
    ...overrides,
  };
}

const index = (format: string) => DATE_CANDIDATES.findIndex((c) => c.format === format);

/** A mask with '1' at the candidates named. */
function mask(...formats: string[]): string {
  const bits = DATE_CANDIDATES.map(() => '0');
  for (const f of formats) bits[index(f)] = '1';
  return bits.join('');
}

function matches(...groups: [string[], number, string?][]): DateMatches[] {
  return groups.map(([formats, count, example]) => ({
    mask: mask(...formats),
    count,
    example: example ?? 'x',
    timed: 0,
  }));
}

describe('names', () => {
  it('turns a file’s column names into snake_case identifiers, each once', () => {
    expect(snakeCase('customerID')).toBe('customer_id');
    expect(snakeCase('Order Date')).toBe('order_date');
    expect(snakeCase('SeniorCitizen')).toBe('senior_citizen');
    expect(snakeCase('INVOICEDATE')).toBe('invoicedate');
    expect(snakeCase('HTTPStatus')).toBe('http_status');
    expect(snakeCase('Prix unitaire (€)')).toBe('prix_unitaire');
    expect(fieldNames(['id', 'ID', '2nd', '__v', '!!'])).toEqual(['id', 'id_2', 'f_2nd', 'v', 'field_5']);
  });

  it('names a source after its file, without extensions and dates', () => {
    expect(sourceName('data/Telco-Customer-Churn.csv.gz')).toBe('telco_customer_churn');
    expect(sourceName('exports/orders/2025-03-14.ndjson')).toBe('orders');
    expect(sourceName('2025-03-14.csv')).toBe('source');
  });
});

describe('date formats', () => {
  it('reads PostgreSQL’s digit counts into each pattern', () => {
    expect(formatPattern('%d/%m/%Y %H:%M')).toBe('[0-9]{1,2}\\/[0-9]{1,2}\\/[0-9]{4} [0-9]{1,2}:[0-9]{1,2}');
    expect(swappedOrder('%d.%m.%y')).toBe('%m.%d.%y');
    expect(swappedOrder('%Y%j')).toBeUndefined();
  });

  it('decides day first from a day above 12, month first from a month position above 12', () => {
    const dayFirst = chooseDateFormats(
      matches([['%d/%m/%Y', '%m/%d/%Y'], 50], [['%d/%m/%Y'], 3, '25/12/2024']),
      DATE_CANDIDATES,
    );
    expect(dayFirst).toMatchObject({ formats: ['%d/%m/%Y'], covered: 53, uncovered: 0, ambiguous: [] });
    const monthFirst = chooseDateFormats(
      matches([['%d/%m/%Y', '%m/%d/%Y'], 50], [['%m/%d/%Y'], 3, '12/25/2024']),
      DATE_CANDIDATES,
    );
    expect(monthFirst).toMatchObject({ formats: ['%m/%d/%Y'], ambiguous: [] });
  });

  it('guesses day first, and says so, when no value tells', () => {
    const choice = chooseDateFormats(matches([['%d/%m/%Y %H:%M', '%m/%d/%Y %H:%M'], 231]), DATE_CANDIDATES);
    expect(choice.formats).toEqual(['%d/%m/%Y %H:%M']);
    expect(choice.ambiguous).toEqual([{ format: '%d/%m/%Y %H:%M', alternative: '%m/%d/%Y %H:%M' }]);
  });

  it('takes several formats when the values mix them, the commonest first', () => {
    const choice = chooseDateFormats(
      matches(
        [['%Y-%m-%d'], 70],
        [['%d/%m/%Y'], 20, '31/01/2024'],
        [['%d/%m/%Y', '%m/%d/%Y'], 5],
        [[], 2, 'soon'],
      ),
      DATE_CANDIDATES,
    );
    expect(choice.formats).toEqual(['%Y-%m-%d', '%d/%m/%Y']);
    expect(choice).toMatchObject({ covered: 95, uncovered: 2, uncoveredExample: 'soon', ambiguous: [] });
  });

  it('reports values in both orders', () => {
    const choice = chooseDateFormats(
      matches([['%d/%m/%Y'], 10, '25/01/2024'], [['%m/%d/%Y'], 10, '01/25/2024']),
      DATE_CANDIDATES,
    );
    expect(choice.formats).toEqual(['%d/%m/%Y', '%m/%d/%Y']);
    expect(choice.bothOrders).toBe(true);
  });
});

describe('a field’s type', () => {
  const decide = (s: FieldStats, dates: DateMatches[] = []) => decideType('f', s, dates, DATE_CANDIDATES);

  it('is the narrowest type every value fits', () => {
    expect(decide(stats({ name: 'n', integers: 100, decimals: 100 })).spec).toEqual({ type: 'integer' });
    expect(
      decide(stats({ name: 'n', integers: 10, decimals: 100, maxScale: 3, maxIntegerDigits: 5 })).spec,
    ).toEqual({ type: 'decimal', precision: 18, scale: 3 });
    expect(decide(stats({ name: 'n', decimals: 60, exponents: 40 })).spec).toEqual({ type: 'number' });
    expect(
      decide(stats({ name: 'b', trues: 60, falses: 40, distinctValues: ['No', 'Yes', 'yes'] })).spec,
    ).toEqual({ type: 'boolean' });
    expect(
      decide(stats({ name: 'b', integers: 100, decimals: 100, distinctValues: ['0', '1'] })).spec,
    ).toEqual({ type: 'boolean' });
  });

  it('keeps ids with leading zeros as text, and whole numbers beyond 64 bits as decimals', () => {
    expect(decide(stats({ name: 'zip', integers: 100, decimals: 100, leadingZeros: 3 })).spec).toEqual({
      type: 'string',
    });
    expect(
      decide(stats({ name: 'big', integers: 100, decimals: 100, bigIntegers: 1, maxIntegerDigits: 20 })).spec,
    ).toEqual({ type: 'decimal', precision: 38, scale: 0 });
  });

  it('is a date when every time of day is midnight, a timestamp otherwise', () => {
    const midnight = [
      { mask: mask('%Y-%m-%d %H:%M:%S.%g', '%Y-%m-%d %H:%M:%S.%f'), count: 100, example: 'x', timed: 0 },
    ];
    expect(decide(stats({ name: 'd', dateLike: 100 }), midnight).spec).toEqual({
      type: 'date',
      formats: ['%Y-%m-%d %H:%M:%S.%g'],
    });
    const timed = [{ ...midnight[0]!, timed: 4 }];
    expect(decide(stats({ name: 'd', dateLike: 100 }), timed).spec.type).toBe('timestamp');
  });

  it('is text when some values do not fit, and says so when most did', () => {
    const mixed = decide(stats({ name: 'n', integers: 95, decimals: 95, exampleText: 'n/k' }));
    expect(mixed.spec).toEqual({ type: 'string' });
    expect(mixed.unsure).toEqual([
      expect.objectContaining({
        kind: 'mixed_types',
        message: expect.stringContaining("95 of 100 values are integers but 5 are not (e.g. 'n/k')"),
      }),
    ]);
    expect(decide(stats({ name: 'code', integers: 40, decimals: 40 })).unsure).toEqual([]);
    const empty = decide(stats({ name: 'e', values: 0, distinct: 0 }));
    expect(empty.unsure[0]?.kind).toBe('all_null');
  });
});

describe('the draft', () => {
  function draft(fieldStats: FieldStats[], records = 100) {
    const { fields, unsure } = draftFields(records, fieldStats, new Map(), DATE_CANDIDATES);
    const keys = singleKeyCandidates(records, fields).map((f) => [f]);
    return draftSource({
      name: 'orders',
      files: ['data/orders.csv'],
      today: '2026-01-02',
      records,
      sampled: [{ path: 'data/orders.csv', records, truncated: false, rejected: [] }],
      csv: { delimiter: ';', header: true, sniffed: true },
      fields,
      fieldUnsure: unsure,
      keys,
    });
  }

  const fields = [
    stats({ name: 'orderID', integers: 100, decimals: 100 }),
    stats({ name: 'Reference', values: 100, distinct: 100 }),
    stats({
      name: 'Status',
      distinct: 3,
      distinctValues: ['new', 'paid', 'sent'],
      markers: { NULL: 4 },
      values: 96,
    }),
    stats({
      name: 'amount',
      integers: 90,
      decimals: 96,
      values: 96,
      maxScale: 2,
      maxIntegerDigits: 3,
      markers: { NA: 4 },
    }),
    stats({ name: 'region', values: 90, distinct: 40, markers: { NA: 10 } }),
  ];

  it('maps names, declares null markers, required fields, enums and the id-like key, and validates', () => {
    const result = draft(fields);
    expect(result.source).toEqual({
      files: 'data/orders.csv',
      loadDate: { value: '2026-01-02' },
      csv: { delimiter: ';' },
      contract: {
        uniqueKey: ['order_id'],
        nullValues: ['NULL'],
        fields: {
          order_id: { type: 'integer', from: 'orderID', required: true },
          reference: { type: 'string', from: 'Reference', required: true },
          status: { type: 'enum', from: 'Status', values: ['new', 'paid', 'sent'] },
          amount: { type: 'decimal', precision: 18, scale: 2, nullValues: ['NA'] },
          // NA in a text field may be a value (Namibia, North America): kept, so the field is required.
          region: { type: 'string', required: true },
        },
      },
    });
    expect(result.candidateKeys).toEqual([['order_id'], ['reference']]);
    expect(fileSourceSchema.safeParse(result.source).success).toBe(true);
    expect(contractSchema.safeParse(result.source.contract).success).toBe(true);
    expect(result.unsure.map((u) => u.kind)).toEqual(['load_date']);
  });

  it('reports a small sample and declares no enum from it', () => {
    const result = draft([stats({ name: 'kind', values: 8, distinct: 2, distinctValues: ['a', 'b'] })], 8);
    expect(result.source.contract.fields.kind).toEqual({ type: 'string', required: true });
    expect(result.unsure.map((u) => u.kind)).toContain('small_sample');
  });

  it('prefers an id-like key, and renders a module that declares the source', () => {
    const field = (name: string) => ({ name }) as DraftField;
    expect(chooseKey([[field('email')], [field('customer_id')]])).toEqual(['customer_id']);
    expect(chooseKey([[field('email')]])).toEqual(['email']);
    const text = renderDraft(draft(fields), {
      sampleText: 'orders.csv (100 records read)',
      importPath: './orders.ts',
    });
    expect(text).toContain("import { defineSource } from 'strata';");
    expect(text).toContain('export const orders = defineSource({');
    expect(text).toContain("      order_id: { type: 'integer', from: 'orderID', required: true },");
    expect(text).toContain(
      "    uniqueKey: ['order_id'], // unique and never empty in the sample; also: reference",
    );
    expect(tsValue({ "it's": ['a\\b'] })).toBe("{ 'it\\'s': ['a\\\\b'] }");
    expect(tsValue('\t')).toBe("'\\t'");
    expect(tsValue('say "hi"\n')).toBe('\'say "hi"\\n\'');
  });

  it('declares a field of arrays of objects with the fields of its elements as items', () => {
    const records = 40;
    const parent = draftFields(
      records,
      [stats({ name: 'lineItems', values: records, arrays: records })],
      new Map(),
      DATE_CANDIDATES,
    );
    expect(parent.unsure.map((u) => u.kind)).toEqual(['nested']);
    const items = draftFields(
      90,
      [
        stats({ name: 'SKU', values: 90, distinct: 50 }),
        stats({ name: 'qty', values: 85, integers: 85, decimals: 85, distinct: 9 }),
        stats({ name: 'note', values: 0, distinct: 0 }),
      ],
      new Map(),
      DATE_CANDIDATES,
    );
    const array = arrayField(parent.fields[0] as DraftField, 90, items);
    expect(array.field.spec).toEqual({
      type: 'array',
      from: 'lineItems',
      required: true,
      items: {
        sku: { type: 'string', from: 'SKU', required: true },
        qty: { type: 'integer' },
        note: { type: 'string' },
      },
    });
    expect(array.unsure).toEqual([expect.objectContaining({ kind: 'all_null', field: 'line_items.note' })]);
    expect(contractSchema.safeParse({ fields: { line_items: array.field.spec } }).success).toBe(true);
  });
});
