import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import { parseHeader, requirementProblems, splitHeader } from './header.ts';
import { parseModel } from './parse-model.ts';
import type { ModelConfig } from './types.ts';

const FILE = 'models/orders.sql';

/** Joins lines into a file; line N of the array is line N+1 of the file. */
const lines = (...content: string[]) => content.join('\n');

function parse(text: string) {
  return parseModel({ file: FILE, pathInModels: 'orders.sql', text }, 'warehouse');
}

/** The problems of a model file as plain data: code, message, where, hint. */
function problemsOf(text: string) {
  return parse(text).problems.map((p) => ({
    code: p.code,
    message: p.message,
    ...p.location,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
}

const DEFAULTS: ModelConfig = {
  materialized: 'view',
  schema: undefined,
  description: undefined,
  uniqueKey: [],
  loadDateColumn: undefined,
  trackedColumns: [],
  validFromColumn: undefined,
  surrogateKey: undefined,
  columns: {},
  checks: [],
  tags: [],
  retries: undefined,
  timeoutSeconds: undefined,
};

const KNOWN_KEYS =
  'Known keys: materialized, schema, description, unique_key, load_date_column, touched, tracked_columns, ' +
  'valid_from_column, surrogate_key, partition_by, distribution_column, columns, checks, tags, retries, ' +
  'timeout_seconds.';

describe('a model without a header', () => {
  it('is a view with every other key at its default', () => {
    const { model, problems } = parse('select 1 as id\n');
    expect(problems).toEqual([]);
    expect(model?.config).toEqual(DEFAULTS);
    expect(model?.bodyLine).toBe(1);
  });

  it('keeps an ordinary leading SQL comment as part of the body', () => {
    const text = lines('/* orders, one row each */', "select * from {{ ref('raw_orders') }}");
    const { model, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(model?.config.materialized).toBe('view');
    expect(model?.refs).toEqual([{ name: 'raw_orders', line: 2, column: 15 }]);
  });

  it('treats an empty header, or one holding only comments, as no header', () => {
    expect(parse(lines('/*---', '---*/', 'select 1')).model?.config).toEqual(DEFAULTS);
    expect(parse(lines('/*---', '# materialized: table', '---*/', 'select 1')).model?.config).toEqual(
      DEFAULTS,
    );
  });
});

describe('header keys', () => {
  it('parses every key into the model config', () => {
    const text = lines(
      '/*---',
      'materialized: scd2',
      'schema: marts',
      'description: Customers, one version per change',
      'unique_key: customer_id',
      'load_date_column: load_date',
      'tracked_columns: [email, segment]',
      'valid_from_column: updated_at',
      'surrogate_key: customer_sk',
      'columns:',
      '  customer_id: The natural key',
      '  email:',
      '    description: Lower-cased address',
      '    checks: [not_null, {accepted_values: [a, b]}]',
      'checks:',
      '  - unique: [customer_id, valid_from]',
      '  - expression: valid_to > valid_from',
      '    severity: warn',
      "    fail_above: '1%'",
      'tags: [daily, pii]',
      'retries: 3',
      'timeout_seconds: 90',
      '---*/',
      "select * from {{ ref('stg_customers') }}",
    );
    const { model, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(model?.config).toEqual({
      materialized: 'scd2',
      schema: 'marts',
      description: 'Customers, one version per change',
      uniqueKey: ['customer_id'],
      loadDateColumn: 'load_date',
      trackedColumns: ['email', 'segment'],
      validFromColumn: 'updated_at',
      surrogateKey: 'customer_sk',
      columns: {
        customer_id: { description: 'The natural key' },
        email: {
          description: 'Lower-cased address',
          checks: [
            { type: 'not_null', columns: [], severity: 'error' },
            { type: 'accepted_values', values: ['a', 'b'], severity: 'error' },
          ],
        },
      },
      checks: [
        { type: 'unique', columns: ['customer_id', 'valid_from'], severity: 'error' },
        {
          type: 'expression',
          expression: 'valid_to > valid_from',
          severity: 'warn',
          failAbove: { percent: 1 },
        },
      ],
      tags: ['daily', 'pii'],
      retries: 3,
      timeoutSeconds: 90,
    } satisfies ModelConfig);
    expect(model?.target).toEqual({ schema: 'marts', name: 'orders' });
    expect(model?.bodyLine).toBe(24);
    expect(model?.refs).toEqual([{ name: 'stg_customers', line: 24, column: 15 }]);
  });

  it('accepts unique_key and tracked_columns as a single name or a list', () => {
    const one = parse(lines('/*---', 'materialized: upsert', 'unique_key: order_id', '---*/', 'select 1'));
    expect(one.model?.config.uniqueKey).toEqual(['order_id']);
    const many = parse(
      lines(
        '/*---',
        'materialized: upsert',
        'unique_key:',
        '  - order_id',
        '  - line_no',
        'tracked_columns: status',
        '---*/',
        'select 1',
      ),
    );
    expect(many.model?.config.uniqueKey).toEqual(['order_id', 'line_no']);
    expect(many.model?.config.trackedColumns).toEqual(['status']);
  });

  it('parses the header the same way with CRLF line endings', () => {
    const text = ['/*---', 'materialized: table', 'tags: [x]', '---*/', 'select 1', ''].join('\r\n');
    const { model, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(model?.config).toEqual({ ...DEFAULTS, materialized: 'table', tags: ['x'] });
    expect(model?.bodyLine).toBe(5);
  });
});

describe('invalid headers are reported at their line in the file', () => {
  it('reports invalid YAML at the offending line (the header starts at line 2)', () => {
    const text = lines(
      '/*---', //                    1
      'materialized: table', //      2
      'description: Orders', //      3
      'materialized: view', //       4  <- duplicate key
      '---*/', //                    5
      'select 1', //                 6
    );
    expect(problemsOf(text)).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'header is not valid YAML: Map keys must be unique',
        file: FILE,
        line: 4,
      },
    ]);
  });

  it('reports a tab used as indentation at its line', () => {
    const text = lines('/*---', 'materialized: table', 'columns:', '\tid: x', '---*/', 'select 1');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ code: 'HEADER_INVALID', line: 4, file: FILE }),
    ]);
  });

  it('counts lines before the header when the file opens with blank lines', () => {
    const text = lines('', '', '/*---', 'materialized: table', 'description: a: b', '---*/', 'select 1');
    expect(problemsOf(text)).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'header is not valid YAML: Nested mappings are not allowed in compact mappings',
        file: FILE,
        line: 5,
      },
    ]);
  });

  it('reports an unknown key at its line, listing the known keys', () => {
    const text = lines('/*---', 'materialized: table', 'materialised: view', '---*/', 'select 1');
    expect(problemsOf(text)).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'unknown header key "materialised"',
        file: FILE,
        line: 3,
        field: 'materialised',
        hint: KNOWN_KEYS,
      },
    ]);
  });

  it('reports each unknown key separately, at its own line', () => {
    const text = lines('/*---', 'uniqe_key: id', 'materialized: table', 'tag: [x]', '---*/', 'select 1');
    expect(problemsOf(text)).toEqual([
      expect.objectContaining({ message: 'unknown header key "uniqe_key"', line: 2, field: 'uniqe_key' }),
      expect.objectContaining({ message: 'unknown header key "tag"', line: 4, field: 'tag' }),
    ]);
  });

  it('reports an unknown key inside a column at its line, with its dotted path', () => {
    const text = lines('/*---', 'columns:', '  id:', '    descripton: x', '---*/', 'select 1');
    expect(problemsOf(text)).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'unknown header key "descripton"',
        file: FILE,
        line: 4,
        field: 'columns.id.descripton',
        hint: KNOWN_KEYS,
      },
    ]);
  });

  it('reports a value of the wrong kind at its key’s line', () => {
    const text = lines('/*---', 'description: Orders', 'materialized: snapshot', '---*/', 'select 1');
    expect(problemsOf(text)).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'materialized: Invalid option: expected one of "view"|"table"|"incremental"|"upsert"|"scd2"',
        file: FILE,
        line: 3,
        field: 'materialized',
      },
    ]);
  });

  it('reports every invalid value of one header together, each at its line', () => {
    const text = lines(
      '/*---', //                              1
      'materialized: upsert', //               2
      'unique_key: [order_id, 1st_line]', //   3
      'retries: -1', //                        4
      'checks:', //                            5
      '  - not_null', //                       6
      '  - {unique: id, not_null: id}', //     7
      'columns:', //                           8
      '  bad-name: x', //                      9
      '---*/',
      'select 1',
    );
    expect(problemsOf(text)).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'unique_key.1: must be an identifier (letters, digits, _)',
        file: FILE,
        line: 3,
        field: 'unique_key.1',
      },
      {
        code: 'HEADER_INVALID',
        message: 'columns.bad-name: the name "bad-name" must be an identifier (letters, digits, _)',
        file: FILE,
        line: 9,
        field: 'columns.bad-name',
      },
      {
        code: 'HEADER_INVALID',
        message: 'checks.1: a check names one type, not unique and not_null',
        file: FILE,
        line: 7,
        field: 'checks.1',
      },
      {
        code: 'HEADER_INVALID',
        message: 'retries: Too small: expected number to be >=0',
        file: FILE,
        line: 4,
        field: 'retries',
      },
    ]);
  });

  it('rejects a header that is not a mapping', () => {
    expect(problemsOf(lines('/*---', 'just some text', '---*/', 'select 1'))).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'header must be a YAML mapping of key: value',
        file: FILE,
        line: 2,
      },
    ]);
  });

  it('reports a header that is never closed at the line that opens it', () => {
    expect(problemsOf(lines('/*---', 'materialized: table', 'select 1'))).toEqual([
      {
        code: 'HEADER_UNTERMINATED',
        message: 'The metadata header opened with /*--- is never closed',
        file: FILE,
        line: 1,
        hint: 'End the header with a line holding only ---*/',
      },
    ]);
    expect(problemsOf(lines('', '/*---', 'materialized: table', '---* /', 'select 1'))).toEqual([
      expect.objectContaining({ code: 'HEADER_UNTERMINATED', line: 2 }),
    ]);
  });

  it('reports a model with no SQL after its header', () => {
    expect(problemsOf(lines('/*---', 'materialized: table', '---*/', '   '))).toEqual([
      {
        code: 'HEADER_INVALID',
        message: 'the model has no SQL body',
        file: FILE,
        line: 4,
        hint: 'Write one SELECT statement after the header.',
      },
    ]);
  });
});

describe('materialisation requirements', () => {
  it('needs load_date_column for incremental', () => {
    expect(problemsOf(lines('/*---', 'materialized: incremental', '---*/', 'select 1'))).toEqual([
      {
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'materialized: incremental needs load_date_column',
        file: FILE,
        line: 1,
        field: 'load_date_column',
        hint: 'Name the column holding each row’s load date (a run replaces its dates), or give unique_key and touched (a run replaces the keys its dates touched).',
      },
    ]);
  });

  it('needs unique_key for upsert and scd2', () => {
    expect(problemsOf(lines('/*---', 'materialized: upsert', '---*/', 'select 1'))).toEqual([
      {
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'materialized: upsert needs unique_key',
        file: FILE,
        line: 1,
        field: 'unique_key',
        hint: 'Name the column(s) that identify a row.',
      },
    ]);
    expect(problemsOf(lines('/*---', 'materialized: scd2', '---*/', 'select 1'))).toEqual([
      {
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'materialized: scd2 needs unique_key',
        file: FILE,
        line: 1,
        field: 'unique_key',
        hint: 'Name the natural key whose versions are tracked.',
      },
    ]);
  });

  it('is satisfied when the key is present, and asks nothing of view and table', () => {
    const config = (overrides: Partial<ModelConfig>): ModelConfig => ({ ...DEFAULTS, ...overrides });
    expect(requirementProblems(config({ materialized: 'view' }), FILE, 1)).toEqual([]);
    expect(requirementProblems(config({ materialized: 'table' }), FILE, 1)).toEqual([]);
    expect(
      requirementProblems(config({ materialized: 'incremental', loadDateColumn: 'load_date' }), FILE, 1),
    ).toEqual([]);
    expect(requirementProblems(config({ materialized: 'upsert', uniqueKey: ['id'] }), FILE, 1)).toEqual([]);
    expect(requirementProblems(config({ materialized: 'scd2', uniqueKey: ['id'] }), FILE, 1)).toEqual([]);
  });

  it('partition_by: month on an incremental model, distribution_column on any table', () => {
    const { model, problems } = parse(
      lines(
        '/*---',
        'materialized: incremental',
        'load_date_column: load_date',
        'partition_by: month',
        'distribution_column: customer_id',
        '---*/',
        'select 1',
      ),
    );
    expect(problems).toEqual([]);
    expect(model?.config).toMatchObject({ partitionBy: 'month', distributionColumn: 'customer_id' });
    expect(
      problemsOf(lines('/*---', 'materialized: table', 'partition_by: month', '---*/', 'select 1')),
    ).toEqual([
      expect.objectContaining({
        code: 'MATERIALIZATION_REQUIREMENT',
        message: 'partition_by needs materialized: incremental',
        field: 'partition_by',
      }),
    ]);
    expect(problemsOf(lines('/*---', 'distribution_column: id', '---*/', 'select 1'))).toEqual([
      expect.objectContaining({ code: 'MATERIALIZATION_REQUIREMENT', field: 'distribution_column' }),
    ]);
    expect(
      problemsOf(
        lines(
          '/*---',
          'materialized: incremental',
          'load_date_column: d',
          'partition_by: day',
          '---*/',
          'select 1',
        ),
      ),
    ).toEqual([expect.objectContaining({ code: 'HEADER_INVALID', field: 'partition_by' })]);
  });

  it('is reported at the header’s opening line when the file opens with blank lines', () => {
    const problems = problemsOf(lines('', '', '/*---', 'materialized: upsert', '---*/', 'select 1'));
    expect(problems).toEqual([expect.objectContaining({ code: 'MATERIALIZATION_REQUIREMENT', line: 3 })]);
  });
});

describe('body line: a ref reports its real line in the file', () => {
  const body = ['select o.*', "from {{ ref('stg_orders') }} as o"];

  it('without a header', () => {
    const { model } = parse(lines(...body));
    expect(model?.bodyLine).toBe(1);
    expect(model?.refs).toEqual([{ name: 'stg_orders', line: 2, column: 6 }]);
  });

  it('with a header', () => {
    const { model } = parse(lines('/*---', 'materialized: table', 'description: x', '---*/', ...body));
    expect(model?.bodyLine).toBe(5);
    expect(model?.refs).toEqual([{ name: 'stg_orders', line: 6, column: 6 }]);
  });

  it('with a header after blank lines and with trailing spaces after ---*/', () => {
    const { model } = parse(lines('', '/*---', 'materialized: table', '---*/  ', '', ...body));
    expect(model?.bodyLine).toBe(5);
    expect(model?.refs).toEqual([{ name: 'stg_orders', line: 7, column: 6 }]);
  });

  it('with CRLF line endings, with and without a header', () => {
    const crlf = (...content: string[]) => content.join('\r\n');
    const plain = parse(crlf(...body));
    expect(plain.model?.refs).toEqual([{ name: 'stg_orders', line: 2, column: 6 }]);
    const headed = parse(crlf('/*---', 'materialized: table', '---*/', ...body));
    expect(headed.model?.bodyLine).toBe(4);
    expect(headed.model?.refs).toEqual([{ name: 'stg_orders', line: 5, column: 6 }]);
  });

  it('with a byte-order mark before the header', () => {
    const { model } = parse('\uFEFF' + lines('/*---', 'materialized: table', '---*/', ...body));
    expect(model?.config.materialized).toBe('table');
    expect(model?.refs).toEqual([{ name: 'stg_orders', line: 5, column: 6 }]);
  });
});

describe('splitHeader and parseHeader', () => {
  it('splits the YAML from the body and says where each starts', () => {
    expect(splitHeader(lines('/*---', 'a: 1', 'b: 2', '---*/', 'select 1'), FILE)).toEqual({
      yaml: 'a: 1\nb: 2\n',
      yamlLine: 2,
      body: 'select 1',
      bodyLine: 5,
    });
    expect(splitHeader('select 1', FILE)).toEqual({ yamlLine: 1, body: 'select 1', bodyLine: 1 });
  });

  it('throws HEADER_UNTERMINATED from splitHeader', () => {
    expect(() => splitHeader('/*---\na: 1\n', FILE)).toThrow(StrataError);
    expect(() => splitHeader('/*---\na: 1\n', FILE)).toThrow(
      expect.objectContaining({ code: 'HEADER_UNTERMINATED', location: { file: FILE, line: 1 } }),
    );
  });

  it('offsets YAML lines by the line the YAML starts on', () => {
    const { problems, config } = parseHeader('materialized: table\nfoo: 1\n', 10, FILE);
    expect(config).toBeUndefined();
    expect(problems.map((p) => [p.code, p.location])).toEqual([
      ['HEADER_INVALID', { file: FILE, line: 11, field: 'foo' }],
    ]);
  });
});
