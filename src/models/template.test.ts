import { describe, expect, it } from 'vitest';
import { parseModel } from './parse-model.ts';
import { parseTemplate } from './template.ts';

const FILE = 'models/marts/daily_sales.sql';
const HINT = "Use {{ ref('model') }}, {{ this }}, {{ date_from }} or {{ date_to }}.";

describe('refs', () => {
  it('accepts single and double quotes and any whitespace, giving each ref’s line and column', () => {
    const body = [
      "select * from {{ ref('a') }}", //                       line 1, column 15
      'join {{ref("b")}} using (id)', //                        line 2, column 6
      "join {{   ref(  'c'  )   }} using (id)", //              line 3, column 6
      '  join {{', //                                           line 4, column 8
      "    ref('d')", //
      '  }} using (id)',
    ].join('\n');
    const { refs, problems } = parseTemplate(body, 1, FILE);
    expect(problems).toEqual([]);
    expect(refs).toEqual([
      { name: 'a', line: 1, column: 15 },
      { name: 'b', line: 2, column: 6 },
      { name: 'c', line: 3, column: 6 },
      { name: 'd', line: 4, column: 8 },
    ]);
  });

  it('counts lines from the line the body starts on', () => {
    const { refs } = parseTemplate("select 1\nfrom {{ ref('orders') }}", 7, FILE);
    expect(refs).toEqual([{ name: 'orders', line: 8, column: 6 }]);
  });

  it('lists a ref once per use, in order', () => {
    const { refs } = parseTemplate("{{ ref('x') }} {{ ref('y') }} {{ ref('x') }}", 1, FILE);
    expect(refs.map((r) => [r.name, r.column])).toEqual([
      ['x', 1],
      ['y', 16],
      ['x', 31],
    ]);
  });
});

describe('segments', () => {
  it('splits the body into text and expressions, keeping the text exactly', () => {
    const body =
      "select * from {{ ref('orders') }}\nwhere load_date between {{ date_from }} and {{date_to}}\n" +
      'and id not in (select id from {{ this }})\n';
    const { segments, problems } = parseTemplate(body, 3, FILE);
    expect(problems).toEqual([]);
    expect(segments).toEqual([
      { kind: 'text', text: 'select * from ' },
      { kind: 'ref', name: 'orders', line: 3 },
      { kind: 'text', text: '\nwhere load_date between ' },
      { kind: 'date_from' },
      { kind: 'text', text: ' and ' },
      { kind: 'date_to' },
      { kind: 'text', text: '\nand id not in (select id from ' },
      { kind: 'this' },
      { kind: 'text', text: ')\n' },
    ]);
  });

  it('leaves a body without expressions as one text segment', () => {
    expect(parseTemplate('select 1 as one', 1, FILE)).toEqual({
      segments: [{ kind: 'text', text: 'select 1 as one' }],
      refs: [],
      problems: [],
    });
  });
});

describe('unknown expressions', () => {
  it('reports TEMPLATE_UNKNOWN at the expression’s line and column', () => {
    const { problems } = parseTemplate('select 1\nfrom {{ source("raw", "orders") }}', 4, FILE);
    expect(problems.map((p) => ({ code: p.code, message: p.message, ...p.location, hint: p.hint }))).toEqual([
      {
        code: 'TEMPLATE_UNKNOWN',
        message: 'unknown template expression {{ source("raw", "orders") }}',
        file: FILE,
        line: 5,
        column: 6,
        hint: HINT,
      },
    ]);
  });

  it('rejects near misses of the known forms', () => {
    const body = [
      '{{ ref(orders) }}', //         unquoted name
      "{{ ref('a', 'b') }}", //       two arguments
      '{{ this() }}',
      '{{ date_from() }}',
      '{{ }}',
      '{{ ref(\'a") }}', //            mismatched quotes
    ].join('\n');
    const { problems, refs } = parseTemplate(body, 1, FILE);
    expect(refs).toEqual([]);
    expect(problems.map((p) => [p.message, p.location.line, p.location.column])).toEqual([
      ['unknown template expression {{ ref(orders) }}', 1, 1],
      ["unknown template expression {{ ref('a', 'b') }}", 2, 1],
      ['unknown template expression {{ this() }}', 3, 1],
      ['unknown template expression {{ date_from() }}', 4, 1],
      ['unknown template expression {{  }}', 5, 1],
      ['unknown template expression {{ ref(\'a") }}', 6, 1],
    ]);
  });

  it('reports every problem of a file together, with its real file line', () => {
    const text = [
      '/*---', //                                              1
      'materialized: incremental', //                          2
      'load_date_column: load_date', //                        3
      '---*/', //                                              4
      "select * from {{ ref('stg_orders') }}", //              5
      'where load_date >= {{ start_date }}', //                6  col 20
      '  and load_date <= {{ end_date }}', //                  7  col 20
      '  and id > {{ var("min_id") }}', //                     8  col 12
    ].join('\n');
    const { model, problems } = parseModel(
      { file: FILE, pathInModels: 'marts/daily_sales.sql', text },
      'warehouse',
    );
    expect(model).toBeUndefined();
    expect(problems.map((p) => [p.code, p.message, p.location])).toEqual([
      [
        'TEMPLATE_UNKNOWN',
        'unknown template expression {{ start_date }}',
        { file: FILE, line: 6, column: 20 },
      ],
      ['TEMPLATE_UNKNOWN', 'unknown template expression {{ end_date }}', { file: FILE, line: 7, column: 20 }],
      [
        'TEMPLATE_UNKNOWN',
        'unknown template expression {{ var("min_id") }}',
        { file: FILE, line: 8, column: 12 },
      ],
    ]);
  });

  it('reports header and template problems of one file together', () => {
    const text = ['/*---', 'materialized: upsert', '---*/', 'select {{ nope }}'].join('\n');
    const { problems } = parseModel({ file: FILE, pathInModels: 'marts/daily_sales.sql', text }, 'warehouse');
    expect(problems.map((p) => [p.code, p.location.line])).toEqual([
      ['MATERIALIZATION_REQUIREMENT', 1],
      ['TEMPLATE_UNKNOWN', 4],
    ]);
  });
});
