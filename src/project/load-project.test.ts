import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StrataAggregateError, type StrataError } from '../errors/strata-error.ts';
import type { ModelNode, ProjectNode } from '../models/types.ts';
import { type Project, loadProject } from './load-project.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/projects/', import.meta.url));
const fixture = (name: string) => join(FIXTURES, name);

/** Loads a fixture expected to be invalid; returns its problems as plain data, in the order given. */
async function problemsOf(name: string) {
  let caught: unknown;
  try {
    await loadProject(fixture(name), {});
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StrataAggregateError);
  const error = caught as StrataAggregateError;
  expect(error.code).toBe('PROJECT_INVALID');
  const count = error.problems.length;
  expect(error.message).toBe(`${count} problem${count === 1 ? '' : 's'} in the project definition`);
  return error.problems.map((p: StrataError) => ({
    code: p.code,
    message: p.message,
    ...p.location,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
}

const node = (project: Project, name: string): ProjectNode => {
  const found = project.graph.nodes.get(name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
};

describe('loadProject on a valid project', () => {
  it('loads config, seeds and models into one graph', async () => {
    const project = await loadProject(fixture('valid'), {});
    expect(project.root).toBe(resolve(fixture('valid')));
    expect(project.configFile).toBe(join(project.root, 'strata.config.ts'));
    expect(project.config.defaultSchema).toBe('warehouse');
    expect(project.engineTarget).toEqual({ type: 'duckdb', path: join(project.root, 'warehouse.duckdb') });
    expect(project.graph.order).toEqual([
      'customers',
      'orders',
      'stg_customers',
      'stg_orders',
      'fct_orders',
      'stg_refunds',
      'daily_sales',
    ]);
    expect(Object.fromEntries(project.graph.upstream)).toEqual({
      stg_orders: ['orders'],
      stg_customers: ['customers'],
      stg_refunds: ['stg_orders'],
      fct_orders: ['stg_customers', 'stg_orders'],
      daily_sales: ['fct_orders'],
      customers: [],
      orders: [],
    });
  });

  it('puts each model in the schema of its first folder, its header’s schema, or warehouse', async () => {
    const project = await loadProject(fixture('valid'), {});
    const where = (name: string) => {
      const n = node(project, name);
      return { file: n.file, target: n.target };
    };
    expect(where('stg_orders')).toEqual({
      file: 'models/staging/stg_orders.sql',
      target: { schema: 'staging', name: 'stg_orders' },
    });
    expect(where('stg_refunds')).toEqual({
      file: 'models/staging/legacy/stg_refunds.sql',
      target: { schema: 'staging', name: 'stg_refunds' },
    });
    expect(where('daily_sales')).toEqual({
      file: 'models/marts/daily_sales.sql',
      target: { schema: 'reporting', name: 'daily_sales' },
    });
    expect(where('fct_orders')).toEqual({
      file: 'models/fct_orders.sql',
      target: { schema: 'warehouse', name: 'fct_orders' },
    });
  });

  it('loads seeds from seeds/*.csv into schema raw', async () => {
    const project = await loadProject(fixture('valid'), {});
    expect(node(project, 'orders')).toEqual({
      kind: 'seed',
      name: 'orders',
      target: { schema: 'raw', name: 'orders' },
      file: 'seeds/orders.csv',
      path: join(project.root, 'seeds', 'orders.csv'),
    });
    expect(node(project, 'customers').target).toEqual({ schema: 'raw', name: 'customers' });
  });

  it('keeps each model’s header, refs at their file lines, and body line', async () => {
    const project = await loadProject(fixture('valid'), {});
    const fct = node(project, 'fct_orders') as ModelNode;
    expect(fct.kind).toBe('model');
    expect(fct.config.materialized).toBe('upsert');
    expect(fct.config.uniqueKey).toEqual(['order_id']);
    expect(fct.bodyLine).toBe(5);
    expect(fct.refs).toEqual([
      { name: 'stg_orders', line: 6, column: 6 },
      { name: 'stg_customers', line: 7, column: 6 },
    ]);
    const stg = node(project, 'stg_orders') as ModelNode;
    expect(stg.config).toMatchObject({
      materialized: 'incremental',
      loadDateColumn: 'load_date',
      description: 'Orders, one row each',
    });
    expect(stg.segments.map((s) => s.kind)).toEqual([
      'text',
      'ref',
      'text',
      'date_from',
      'text',
      'date_to',
      'text',
    ]);
  });

  it('resolves the engine from the environment it is given', async () => {
    const url = 'postgres://etl@localhost:5432/shop';
    const project = await loadProject(fixture('valid'), { STRATA_DATABASE_URL: url });
    expect(project.engineTarget).toEqual({ type: 'postgres', url, urlEnv: 'STRATA_DATABASE_URL' });
  });

  it('follows the model and seed paths, seed schema and default schema of the config', async () => {
    const project = await loadProject(fixture('custom-layout'), {});
    expect(project.graph.order).toEqual(['accounts', 'accounts_clean', 'account_count']);
    expect(node(project, 'accounts')).toMatchObject({
      file: 'data/accounts.csv',
      target: { schema: 'landing', name: 'accounts' },
    });
    expect(node(project, 'accounts_clean')).toMatchObject({
      file: 'sql/core/accounts_clean.sql',
      target: { schema: 'core', name: 'accounts_clean' },
    });
    expect(node(project, 'account_count')).toMatchObject({
      file: 'sql/extra/marts/account_count.sql',
      target: { schema: 'marts', name: 'account_count' },
    });
  });
});

describe('loadProject on a broken project', () => {
  it('reports every problem in one error, sorted by file and line', async () => {
    expect(await problemsOf('broken')).toEqual([
      {
        code: 'REF_CYCLE',
        message: 'models refer to each other in a cycle: a → b → c → a',
        file: 'models/c.sql',
        line: 5,
        column: 6,
        model: 'c',
        hint: 'A model cannot depend on itself through others; break one of these references.',
      },
      {
        code: 'REF_UNKNOWN',
        message: "ref('stg_payments') names no model, seed or source",
        file: 'models/fct_orders.sql',
        line: 4,
        column: 6,
        model: 'fct_orders',
        hint: 'Create the model, or fix the name.',
      },
      {
        code: 'HEADER_INVALID',
        message: 'materialized: Invalid option: expected one of "view"|"table"|"incremental"|"upsert"|"scd2"',
        file: 'models/staging/stg_customers.sql',
        line: 2,
        field: 'materialized',
      },
      {
        code: 'HEADER_INVALID',
        message: 'unknown header key "uniqe_key"',
        file: 'models/staging/stg_customers.sql',
        line: 3,
        field: 'uniqe_key',
        hint:
          'Known keys: materialized, schema, description, unique_key, load_date_column, touched, tracked_columns, ' +
          'valid_from_column, surrogate_key, partition_by, distribution_column, columns, checks, tags, retries, timeout_seconds.',
      },
      {
        code: 'REF_UNKNOWN',
        message: "ref('order') names no model, seed or source",
        file: 'models/staging/stg_orders.sql',
        line: 5,
        column: 6,
        model: 'stg_orders',
        hint: "Did you mean ref('orders')?",
      },
    ]);
  });

  it('does not report a ref to a model whose own file has problems as unknown', async () => {
    const problems = await problemsOf('broken');
    expect(problems.filter((p) => p.message.includes("ref('stg_customers')"))).toEqual([]);
  });

  it('reports invalid model and seed file names as MODEL_NAME_INVALID', async () => {
    expect(await problemsOf('bad-names')).toEqual([
      {
        code: 'MODEL_NAME_INVALID',
        message: 'model file name "stg-orders" is not a valid identifier',
        file: 'models/stg-orders.sql',
        hint: 'Rename the file to letters, digits and underscores, e.g. stg_orders.sql.',
      },
      {
        code: 'MODEL_NAME_INVALID',
        message: 'seed file name "2024-orders" is not a valid identifier',
        file: 'seeds/2024-orders.csv',
        hint: 'Rename the file to letters, digits and underscores, e.g. customers.csv.',
      },
    ]);
  });

  it('reports a model and a seed sharing a name as MODEL_DUPLICATE', async () => {
    expect(await problemsOf('duplicate')).toEqual([
      {
        code: 'MODEL_DUPLICATE',
        message: '"customers" is defined twice: models/staging/customers.sql and seeds/customers.csv',
        file: 'seeds/customers.csv',
        model: 'customers',
        hint: 'Names are global across models and seeds; rename one of them.',
      },
    ]);
  });

  it('lets a config problem through as it is', async () => {
    await expect(loadProject(join(FIXTURES, 'no-such-project'), {})).rejects.toMatchObject({
      code: 'CONFIG_NOT_FOUND',
    });
  });
});
