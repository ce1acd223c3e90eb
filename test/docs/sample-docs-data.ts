import type { DocsCheck, DocsData, DocsModel } from '../../src/docs/types.ts';

/**
 * A small hand-built project for the documentation site's tests: two sources (one builds a nested
 * table), a seed, three models (one whose SQL does not parse, one with a hostile description), a
 * check whose id needs a safe file name, a dashboard page, and a column whose name needs a safe
 * anchor.
 */
export function sampleDocsData(): DocsData {
  const check = (
    id: string,
    target: string,
    column: string | null,
    statuses: string[],
    type = 'not_null',
  ): DocsCheck => {
    const history = statuses.map((status, i) => ({
      runId: `run-${i + 1}`,
      status,
      failingRows: status === 'pass' ? 0 : 3,
      checkedRows: 100,
      startedAt: `2026-01-0${i + 1}T06:00:00Z`,
      dateFrom: '2026-01-01',
      dateTo: '2026-01-01',
    }));
    return {
      id,
      target,
      column,
      type,
      severity: 'error',
      definition: `${column ?? target} is never null`,
      sql: `select * from warehouse.${target} where ${column ?? 'x'} is null`,
      file: `models/${target}.sql`,
      latest: history.at(-1) ?? null,
      history,
    };
  };
  const base = { built: true, upstream: [] as string[], downstream: [] as string[] };
  const factOrders: DocsModel = {
    ...base,
    kind: 'model',
    name: 'fact_orders',
    description: 'One row per order, placed to delivered.',
    table: 'warehouse.fact_orders',
    file: 'models/warehouse/fact_orders.sql',
    upstream: ['stg_orders', 'country_regions'],
    downstream: ['page:executive'],
    materialized: 'upsert',
    uniqueKey: ['order_id'],
    loadDateColumn: 'load_date',
    tags: ['core'],
    columns: [
      {
        name: 'order_id',
        type: 'VARCHAR',
        description: 'Natural key.',
        checks: ['fact_orders:not_null(order_id)'],
      },
      {
        name: 'customer_sk',
        type: 'BIGINT',
        description: 'Surrogate key of the customer version in force.',
        checks: ['fact_orders:not_null(customer_sk)'],
      },
      { name: 'region', type: 'VARCHAR', description: null, checks: [] },
      {
        name: 'net_revenue',
        type: 'DECIMAL(18,2)',
        description: 'Gross minus discounts, in USD.',
        checks: [],
      },
      { name: 'Odd Name/1', type: 'INTEGER', description: null, checks: [] },
    ],
    sql: "select o.order_id, 1 as x from {{ ref('stg_orders') }} o where o.note <> '</pre><b>'",
    compiledSql: 'select o.order_id from "staging"."stg_orders" o',
    touchedSql: null,
    columnLineage: {
      model: 'fact_orders',
      parseError: null,
      columns: [
        {
          column: 'order_id',
          derivation: 'copy',
          inputs: [{ node: 'stg_orders', column: 'order_id' }],
          unresolved: null,
        },
        {
          column: 'customer_sk',
          derivation: 'transform',
          inputs: [],
          unresolved: 'function `my_macro` is not known',
        },
        {
          column: 'region',
          derivation: 'copy',
          inputs: [{ node: 'country_regions', column: 'region' }],
          unresolved: null,
        },
        {
          column: 'net_revenue',
          derivation: 'aggregate',
          inputs: [
            { node: 'stg_orders', column: 'amount' },
            { node: 'orders__items', column: 'discount' },
          ],
          unresolved: null,
        },
        { column: 'Odd Name/1', derivation: 'aggregate', inputs: [], unresolved: null },
      ],
    },
  };
  const stgOrders: DocsModel = {
    ...base,
    kind: 'model',
    name: 'stg_orders',
    description: 'Orders as staged <script>alert("x")</script> & cleaned.',
    table: 'staging.stg_orders',
    file: 'models/staging/stg_orders.sql',
    upstream: ['orders'],
    downstream: ['fact_orders', 'broken_model'],
    materialized: 'table',
    uniqueKey: [],
    loadDateColumn: null,
    tags: [],
    columns: [
      { name: 'order_id', type: 'VARCHAR', description: 'The order as the shop numbers it.', checks: [] },
      {
        name: 'amount',
        type: 'DECIMAL(18,2)',
        description: 'What the buyer paid, reconciled with payments.',
        checks: [],
      },
    ],
    sql: 'select * from raw.orders',
    compiledSql: 'select * from raw.orders',
    touchedSql: null,
    columnLineage: {
      model: 'stg_orders',
      parseError: null,
      columns: [
        {
          column: 'order_id',
          derivation: 'copy',
          inputs: [{ node: 'orders', column: 'order_id' }],
          unresolved: null,
        },
        {
          column: 'amount',
          derivation: 'copy',
          inputs: [{ node: 'orders', column: 'amount' }],
          unresolved: null,
        },
      ],
    },
  };
  const broken: DocsModel = {
    ...base,
    kind: 'model',
    name: 'broken_model',
    description: null,
    table: 'marts.broken_model',
    file: 'models/marts/broken_model.sql',
    upstream: ['stg_orders'],
    downstream: [],
    materialized: 'view',
    uniqueKey: [],
    loadDateColumn: null,
    tags: [],
    columns: [{ name: 'n', type: null, description: null, checks: [] }],
    sql: 'select count(* from x',
    compiledSql: 'select count(* from x',
    touchedSql: null,
    built: false,
    columnLineage: {
      model: 'broken_model',
      parseError: 'syntax error at or near "from" (line 1)',
      columns: [],
    },
  };
  return {
    project: { name: 'shop', engine: 'duckdb', generatedAt: '2026-01-05T07:00:00Z', strataVersion: '0.1.0' },
    sources: [
      {
        ...base,
        kind: 'source',
        name: 'orders',
        description: 'Orders exported nightly by the shop.',
        table: 'staging.orders',
        file: 'strata.config.ts',
        downstream: ['stg_orders'],
        type: 'files',
        format: 'csv',
        location: 'exports/orders_*.csv',
        raw: 'raw.orders',
        fields: [
          { name: 'order_id', type: 'string', rules: ['required', 'unique'], description: 'Order number.' },
          { name: 'amount', type: 'decimal(18,2)', rules: ['>= 0'], description: null },
        ],
        columns: [
          { name: 'order_id', type: 'VARCHAR', description: 'Order number.', checks: [] },
          { name: 'amount', type: 'DECIMAL(18,2)', description: null, checks: [] },
        ],
        provides: ['orders__items'],
        tables: [
          {
            name: 'orders__items',
            table: 'staging.orders__items',
            built: true,
            columns: [
              {
                name: 'order_id',
                type: 'VARCHAR',
                description: 'The order the line belongs to.',
                checks: [],
              },
              { name: 'discount', type: 'DECIMAL(18,2)', description: 'Discount on the line.', checks: [] },
            ],
          },
        ],
        loads: [
          {
            loadDate: '2026-01-02',
            runId: 'run-2',
            files: 1,
            received: 120,
            staged: 117,
            quarantined: 2,
            duplicates: 1,
            reconciled: true,
          },
        ],
      },
    ],
    seeds: [
      {
        ...base,
        kind: 'seed',
        name: 'country_regions',
        description: 'Sales region of each country.',
        table: 'seeds.country_regions',
        file: 'seeds/country_regions.csv',
        downstream: ['fact_orders'],
        columns: [
          { name: 'country', type: 'VARCHAR', description: 'ISO code.', checks: [] },
          { name: 'region', type: 'VARCHAR', description: 'Sales region.', checks: [] },
        ],
      },
    ],
    models: [stgOrders, factOrders, broken],
    checks: [
      check('fact_orders:not_null(order_id)', 'fact_orders', 'order_id', ['pass', 'pass', 'pass']),
      check('fact_orders:not_null(customer_sk)', 'fact_orders', 'customer_sk', ['pass', 'warn', 'fail']),
      check('orders:ledger', 'orders', null, ['pass'], 'ledger'),
      check('orders__items:not_null(order_id)', 'orders__items', 'order_id', ['pass']),
    ],
    pages: [
      {
        name: 'executive',
        title: 'Executive <overview>',
        file: 'dashboards/executive.md',
        reads: ['fact_orders'],
        components: ['Revenue', 'Orders by region'],
      },
    ],
    lineage: {
      nodes: [
        { id: 'orders', kind: 'source', name: 'orders', depth: 0, order: 0 },
        { id: 'country_regions', kind: 'seed', name: 'country_regions', depth: 0, order: 1 },
        { id: 'stg_orders', kind: 'model', name: 'stg_orders', depth: 1, order: 0 },
        { id: 'fact_orders', kind: 'model', name: 'fact_orders', depth: 2, order: 0 },
        { id: 'broken_model', kind: 'model', name: 'broken_model', depth: 2, order: 1 },
        { id: 'page:executive', kind: 'page', name: 'executive', depth: 3, order: 0 },
      ],
      edges: [
        { source: 'orders', target: 'stg_orders' },
        { source: 'stg_orders', target: 'fact_orders' },
        { source: 'country_regions', target: 'fact_orders' },
        { source: 'stg_orders', target: 'broken_model' },
        { source: 'fact_orders', target: 'page:executive' },
      ],
    },
    coverage: {
      columns: 14,
      described: 10,
      undocumented: [
        { node: 'orders', column: 'amount' },
        { node: 'fact_orders', column: 'region' },
        { node: 'fact_orders', column: 'Odd Name/1' },
        { node: 'broken_model', column: 'n' },
      ],
      models: 3,
      modelsDescribed: 2,
    },
  };
}
