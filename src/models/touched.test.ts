import { describe, expect, it } from 'vitest';
import { parseModel } from './parse-model.ts';
import { isIncrementalByKey } from './types.ts';

const FILE = 'models/marts/daily.sql';

/** Joins lines into a file; line N of the array is line N+1 of the file. */
const lines = (...content: string[]) => content.join('\n');

function parse(text: string) {
  return parseModel({ file: FILE, pathInModels: 'marts/daily.sql', text }, 'warehouse');
}

function problemsOf(text: string) {
  return parse(text).problems.map((p) => ({
    code: p.code,
    message: p.message,
    ...p.location,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
}

const BY_KEY = lines(
  '/*---',
  'materialized: incremental',
  'unique_key: sale_date',
  'touched: |',
  "  select order_date as sale_date from {{ ref('stg_orders') }}",
  '  where load_date between {{ date_from }} and {{ date_to }}',
  '---*/',
  "select sale_date, count(*) as n from {{ ref('fact_orders') }}",
  'where sale_date in (select sale_date from {{ touched }} as t)',
  'group by sale_date',
);

describe('incremental by key: the header', () => {
  it('parses touched with the template parser: its refs are edges, {{ touched }} a segment of the body', () => {
    const { model, problems } = parse(BY_KEY);
    expect(problems).toEqual([]);
    expect(model && isIncrementalByKey(model)).toBe(true);
    expect(model?.config.uniqueKey).toEqual(['sale_date']);
    expect(model?.config.touched?.line).toBe(5);
    expect(model?.refs).toEqual([
      { name: 'fact_orders', line: 8, column: 38 },
      { name: 'stg_orders', line: 5, column: 37 },
    ]);
    expect(model?.touched?.map((s) => s.kind)).toEqual([
      'text',
      'ref',
      'text',
      'date_from',
      'text',
      'date_to',
      'text',
    ]);
    expect(model?.segments.filter((s) => s.kind === 'touched')).toHaveLength(1);
  });

  it('points a template problem in touched at its line in the header, plain or block', () => {
    const block = BY_KEY.replace('{{ date_to }}', '{{ date_too }}');
    expect(problemsOf(block)).toEqual([
      expect.objectContaining({
        code: 'TEMPLATE_UNKNOWN',
        line: 6,
        message: 'unknown template expression {{ date_too }}',
      }),
    ]);
    const plain = lines(
      '/*---',
      'materialized: incremental',
      'unique_key: d',
      'touched: select d from {{ nope }}',
      '---*/',
      'select 1 as d',
    );
    expect(problemsOf(plain)).toEqual([expect.objectContaining({ code: 'TEMPLATE_UNKNOWN', line: 4 })]);
  });

  it('collects every problem: touched without unique_key, {{ touched }} inside touched, an unknown expression in the body', () => {
    const text = lines(
      '/*---',
      'materialized: incremental',
      'touched: |',
      '  select d from {{ touched }}',
      '---*/',
      'select {{ nope }}',
    );
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'materialized: incremental needs unique_key',
        file: FILE,
        field: 'unique_key',
      }),
      expect.objectContaining({
        code: 'TEMPLATE_UNKNOWN',
        line: 6,
        message: 'unknown template expression {{ nope }}',
      }),
      expect.objectContaining({
        code: 'TEMPLATE_UNKNOWN',
        line: 4,
        message: '{{ touched }} cannot be used inside the touched SELECT itself',
      }),
    ]);
  });

  it('refuses unique_key without touched, and both forms at once, each with a hint', () => {
    const withoutTouched = lines(
      '/*---',
      'materialized: incremental',
      'unique_key: d',
      '---*/',
      'select 1 as d',
    );
    expect(problemsOf(withoutTouched)).toEqual([
      {
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'materialized: incremental needs touched',
        file: FILE,
        line: 1,
        field: 'touched',
        hint: 'With unique_key, add touched: a SELECT (of ref, date_from, date_to) returning the keys the run’s dates touched; or use load_date_column.',
      },
    ]);
    const both = BY_KEY.replace(
      'unique_key: sale_date',
      'unique_key: sale_date\nload_date_column: load_date',
    );
    expect(problemsOf(both)).toEqual([
      expect.objectContaining({
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'materialized: incremental takes load_date_column or touched, not both',
        line: 6,
        field: 'touched',
        hint: expect.stringContaining('unique_key + touched'),
      }),
    ]);
  });

  it('refuses touched on another materialisation, and {{ touched }} in a model that declares none', () => {
    const onTable = BY_KEY.replace('materialized: incremental', 'materialized: table');
    expect(problemsOf(onTable)).toEqual([
      expect.objectContaining({
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'touched needs materialized: incremental',
        line: 5,
      }),
    ]);
    const undeclared = lines('/*---', 'materialized: table', '---*/', 'select d from {{ touched }} as t');
    expect(problemsOf(undeclared)).toEqual([
      expect.objectContaining({
        code: 'TEMPLATE_UNKNOWN',
        line: 4,
        message: '{{ touched }} needs a touched SELECT in the model header',
        hint: expect.stringContaining('unique_key'),
      }),
    ]);
  });
});
