import { describe, expect, it } from 'vitest';
import { UNKNOWN_COLUMNS, deriveColumnLineage } from './column-lineage.ts';
import type { ColumnLineage, ColumnRef, LineageRelation } from './types.ts';

const RELATIONS: LineageRelation[] = [
  {
    node: 'stg_orders',
    schema: 'staging',
    name: 'stg_orders',
    columns: ['order_id', 'customer_id', 'amount', 'status', 'placed_at', 'tags'],
  },
  {
    node: 'stg_customers',
    schema: 'staging',
    name: 'stg_customers',
    columns: ['customer_id', 'name', 'region'],
  },
  {
    node: 'orders__items',
    schema: 'staging',
    name: 'orders__items',
    columns: ['order_id', 'sku', 'quantity'],
  },
  { node: 'archive', schema: 'marts', name: 'archive', columns: ['id', 'total', 'details'] },
];

const ORDERS = '"staging"."stg_orders"';
const CUSTOMERS = '"staging"."stg_customers"';
const ITEMS = '"staging"."orders__items"';

function derive(sql: string, dialect: 'duckdb' | 'postgres' = 'duckdb', relations = RELATIONS) {
  return deriveColumnLineage('m', sql, dialect, relations);
}

function columns(
  sql: string,
  dialect: 'duckdb' | 'postgres' = 'duckdb',
  relations = RELATIONS,
): ColumnLineage[] {
  const result = derive(sql, dialect, relations);
  expect(result.parseError).toBeNull();
  return result.columns;
}

const ref = (node: string, column: string): ColumnRef => ({ node, column });
const orders = (...names: string[]) => names.map((name) => ref('stg_orders', name));

function resolved(
  column: string,
  derivation: ColumnLineage['derivation'],
  inputs: ColumnRef[],
): ColumnLineage {
  return { column, derivation, inputs, unresolved: null };
}

describe('deriveColumnLineage: columns read as they are', () => {
  it('copies a column, renamed or cast, from the relation the compiled SQL names', () => {
    expect(
      columns(
        `select o.order_id, o.amount as value, o.status::varchar as status, cast(o.placed_at as date) as day from ${ORDERS} as o`,
      ),
    ).toEqual([
      resolved('order_id', 'copy', orders('order_id')),
      resolved('value', 'copy', orders('amount')),
      resolved('status', 'copy', orders('status')),
      resolved('day', 'copy', orders('placed_at')),
    ]);
  });

  it('resolves unqualified columns and columns qualified by the table name', () => {
    expect(columns(`select order_id, stg_orders.status from ${ORDERS}`)).toEqual([
      resolved('order_id', 'copy', orders('order_id')),
      resolved('status', 'copy', orders('status')),
    ]);
  });

  it('follows a column through CTEs and a derived table, with column alias lists', () => {
    const sql = `
      with base as (select order_id as id, amount from ${ORDERS}),
      renamed(key, value) as (select id, amount from base)
      select s.k, s.v from (select key, value from renamed) as s(k, v)`;
    expect(columns(sql)).toEqual([
      resolved('k', 'copy', orders('order_id')),
      resolved('v', 'copy', orders('amount')),
    ]);
  });

  it('lets a CTE shadow a relation of the same name only when written without a schema', () => {
    const sql = `with stg_orders as (select 1 as order_id) select a.order_id as mine, b.order_id as theirs from stg_orders as a cross join ${ORDERS} as b`;
    expect(columns(sql)).toEqual([
      resolved('mine', 'constant', []),
      resolved('theirs', 'copy', orders('order_id')),
    ]);
  });
});

describe('deriveColumnLineage: computed columns', () => {
  it('calls an expression, a CASE and a function of columns a transform of every column they read', () => {
    const sql = `
      select
        upper(trim(o.status)) as status,
        case when o.amount > 100 then 'big' else o.status end as size,
        coalesce(o.amount, 0) * 2 as doubled,
        strftime(o.placed_at, '%Y-%m') as month,
        date_trunc('month', o.placed_at) as month_start,
        o.placed_at - interval '7 days' as week_before
      from ${ORDERS} as o`;
    expect(columns(sql)).toEqual([
      resolved('status', 'transform', orders('status')),
      resolved('size', 'transform', orders('amount', 'status')),
      resolved('doubled', 'transform', orders('amount')),
      resolved('month', 'transform', orders('placed_at')),
      resolved('month_start', 'transform', orders('placed_at')),
      resolved('week_before', 'transform', orders('placed_at')),
    ]);
  });

  it('calls a literal, now() and a date literal constants, with no inputs', () => {
    expect(
      columns(`select 1 as one, now() as at, date '2025-01-01' as day, 'x' as label from ${ORDERS}`),
    ).toEqual([
      resolved('one', 'constant', []),
      resolved('at', 'constant', []),
      resolved('day', 'constant', []),
      resolved('label', 'constant', []),
    ]);
  });

  it('calls an aggregate an aggregate of its arguments and of its FILTER, count(*) one of no column', () => {
    const sql = `
      select customer_id, sum(amount) as revenue, count(*) as orders,
        count(*) filter (where status = 'paid') as paid, count(distinct order_id) as distinct_orders
      from ${ORDERS} group by all`;
    expect(columns(sql)).toEqual([
      resolved('customer_id', 'copy', orders('customer_id')),
      resolved('revenue', 'aggregate', orders('amount')),
      resolved('orders', 'aggregate', []),
      resolved('paid', 'aggregate', orders('status')),
      resolved('distinct_orders', 'aggregate', orders('order_id')),
    ]);
  });

  it('keeps an aggregate an aggregate when a later CTE copies or wraps it', () => {
    const sql = `
      with totals as (select customer_id, sum(amount) as revenue, count(*) as n from ${ORDERS} group by customer_id)
      select c.name, t.revenue, coalesce(t.n, 0) as n, t.revenue / t.n as average
      from ${CUSTOMERS} as c left join totals as t on t.customer_id = c.customer_id`;
    expect(columns(sql)).toEqual([
      resolved('name', 'copy', [ref('stg_customers', 'name')]),
      resolved('revenue', 'aggregate', orders('amount')),
      resolved('n', 'aggregate', []),
      resolved('average', 'aggregate', orders('amount')),
    ]);
  });

  it('calls a window function a transform of its argument, partition and order columns', () => {
    const sql = `
      select
        row_number() over (partition by customer_id order by placed_at desc) as nth,
        sum(amount) over (partition by customer_id) as customer_total,
        lag(status) over (order by placed_at) as previous_status,
        row_number() over () as position
      from ${ORDERS}
      qualify nth = 1`;
    expect(columns(sql)).toEqual([
      resolved('nth', 'transform', orders('customer_id', 'placed_at')),
      resolved('customer_total', 'transform', orders('amount', 'customer_id')),
      resolved('previous_status', 'transform', orders('placed_at', 'status')),
      resolved('position', 'transform', []),
    ]);
  });

  it('reads a scalar subquery as the column it returns, and a correlated one through the outer query', () => {
    const sql = `
      select
        c.customer_id,
        (select max(o.amount) from ${ORDERS} as o where o.customer_id = c.customer_id) as largest,
        (select c.name) as echoed
      from ${CUSTOMERS} as c`;
    expect(columns(sql)).toEqual([
      resolved('customer_id', 'copy', [ref('stg_customers', 'customer_id')]),
      resolved('largest', 'aggregate', orders('amount')),
      resolved('echoed', 'copy', [ref('stg_customers', 'name')]),
    ]);
  });

  it('does not take a lambda parameter for a column', () => {
    expect(columns(`select list_transform(tags, t -> upper(t)) as tags from ${ORDERS}`)).toEqual([
      resolved('tags', 'transform', orders('tags')),
    ]);
  });

  it('resolves a select-list alias a later expression uses (DuckDB)', () => {
    expect(columns(`select amount * 2 as doubled, doubled + 1 as more from ${ORDERS}`)).toEqual([
      resolved('doubled', 'transform', orders('amount')),
      resolved('more', 'transform', orders('amount')),
    ]);
  });

  it('reads a struct field as a transform of the struct column', () => {
    expect(columns(`select details.city as city from "marts"."archive"`)).toEqual([
      resolved('city', 'transform', [ref('archive', 'details')]),
    ]);
  });

  it('gives a table function with a column alias list its arguments as inputs', () => {
    const sql = `
      with bounds as (select min(placed_at) as first_day from ${ORDERS})
      select cast(g.day as date) as day
      from bounds as b cross join generate_series(b.first_day, date '2030-01-01', interval '1 day') as g(day)`;
    expect(columns(sql)).toEqual([resolved('day', 'aggregate', orders('placed_at'))]);
    expect(columns(`select d from generate_series(1, 3) as g(d)`)).toEqual([resolved('d', 'transform', [])]);
  });
});

describe('deriveColumnLineage: * and joins', () => {
  it('expands * and t.* with the relations columns, EXCLUDE and REPLACE', () => {
    expect(columns(`select * from ${CUSTOMERS}`)).toEqual([
      resolved('customer_id', 'copy', [ref('stg_customers', 'customer_id')]),
      resolved('name', 'copy', [ref('stg_customers', 'name')]),
      resolved('region', 'copy', [ref('stg_customers', 'region')]),
    ]);
    expect(
      columns(
        `select c.* exclude (region), i.* replace (quantity * 2 as quantity) from ${CUSTOMERS} as c, ${ITEMS} as i`,
      ),
    ).toEqual([
      resolved('customer_id', 'copy', [ref('stg_customers', 'customer_id')]),
      resolved('name', 'copy', [ref('stg_customers', 'name')]),
      resolved('order_id', 'copy', [ref('orders__items', 'order_id')]),
      resolved('sku', 'copy', [ref('orders__items', 'sku')]),
      resolved('quantity', 'transform', [ref('orders__items', 'quantity')]),
    ]);
  });

  it('expands * over a CTE with the CTE own derived columns', () => {
    const sql = `with t as (select customer_id, sum(amount) as revenue from ${ORDERS} group by 1) select * from t`;
    expect(columns(sql)).toEqual([
      resolved('customer_id', 'copy', orders('customer_id')),
      resolved('revenue', 'aggregate', orders('amount')),
    ]);
  });

  it('merges a USING column: unqualified it is not ambiguous, and * lists it once (DuckDB order)', () => {
    const sql = `select * from ${ORDERS} as o join ${CUSTOMERS} as c using (customer_id)`;
    expect(columns(sql).map((column) => column.column)).toEqual([
      'order_id',
      'customer_id',
      'amount',
      'status',
      'placed_at',
      'tags',
      'name',
      'region',
    ]);
    expect(
      columns(`select customer_id from ${ORDERS} as o left join ${CUSTOMERS} as c using (customer_id)`),
    ).toEqual([resolved('customer_id', 'copy', orders('customer_id'))]);
  });

  it('lists the USING columns first under * on PostgreSQL, as PostgreSQL does', () => {
    const sql = `select * from ${ORDERS} as o join ${CUSTOMERS} as c using (customer_id)`;
    expect(columns(sql, 'postgres').map((column) => column.column)).toEqual([
      'customer_id',
      'order_id',
      'amount',
      'status',
      'placed_at',
      'tags',
      'name',
      'region',
    ]);
  });

  it('calls the USING column of a FULL join a transform of both sides', () => {
    expect(columns(`select customer_id from ${ORDERS} full join ${CUSTOMERS} using (customer_id)`)).toEqual([
      resolved('customer_id', 'transform', [ref('stg_customers', 'customer_id'), ...orders('customer_id')]),
    ]);
  });

  it('matches a NATURAL join on the columns both sides have', () => {
    expect(columns(`select customer_id, name from ${ORDERS} natural join ${CUSTOMERS}`)).toEqual([
      resolved('customer_id', 'copy', orders('customer_id')),
      resolved('name', 'copy', [ref('stg_customers', 'name')]),
    ]);
  });
});

describe('deriveColumnLineage: other FROM entries', () => {
  it('reads a parenthesised join, a LATERAL subquery and VALUES with an alias list', () => {
    expect(
      columns(`select * from (${ORDERS} as o join ${CUSTOMERS} as c using (customer_id))`).map(
        (c) => c.column,
      ),
    ).toEqual(['order_id', 'customer_id', 'amount', 'status', 'placed_at', 'tags', 'name', 'region']);
    expect(
      columns(`select l.z from ${ORDERS} as o cross join lateral (select o.amount * 2 as z) as l`),
    ).toEqual([resolved('z', 'transform', orders('amount'))]);
    expect(columns(`select v.code, v.label from (values (1, 'a'), (2, 'b')) as v(code, label)`)).toEqual([
      resolved('code', 'constant', []),
      resolved('label', 'constant', []),
    ]);
  });

  it('returns only the left side of a SEMI join', () => {
    expect(
      columns(
        `select * from ${CUSTOMERS} as c semi join ${ORDERS} as o on o.customer_id = c.customer_id`,
      ).map((c) => c.column),
    ).toEqual(['customer_id', 'name', 'region']);
  });

  it('reads a named window of the WINDOW clause', () => {
    expect(
      columns(
        `select row_number() over w as n from ${ORDERS} window w as (partition by customer_id order by placed_at)`,
      ),
    ).toEqual([resolved('n', 'transform', orders('customer_id', 'placed_at'))]);
  });

  it('names a PIVOT and a table function without a column alias list', () => {
    expect(columns(`select * from ${ORDERS} pivot (sum(amount) for status in ('paid', 'open'))`)).toEqual([
      {
        column: UNKNOWN_COLUMNS,
        derivation: null,
        inputs: [],
        unresolved: '`*` cannot be listed: the columns of a PIVOT, which the lineage does not work out',
      },
    ]);
    expect(columns(`select * from read_parquet('f.parquet')`)).toEqual([
      {
        column: UNKNOWN_COLUMNS,
        derivation: null,
        inputs: [],
        unresolved:
          '`*` cannot be listed: the columns of table function `read_parquet`, which the query does not name (add a column alias list)',
      },
    ]);
  });
});

describe('deriveColumnLineage: set operations', () => {
  it('gives each UNION ALL position the inputs of every branch, named by the first', () => {
    const sql = `
      select order_id as id, amount as total, 'live' as origin from ${ORDERS}
      union all
      select id, total, 'archive' from "marts"."archive"`;
    expect(columns(sql)).toEqual([
      resolved('id', 'copy', [ref('archive', 'id'), ...orders('order_id')]),
      resolved('total', 'copy', [ref('archive', 'total'), ...orders('amount')]),
      resolved('origin', 'constant', []),
    ]);
  });

  it('calls a position a literal in one branch and a column in another a transform', () => {
    const sql = `select order_id, amount from ${ORDERS} union all select id, 0 from "marts"."archive"`;
    expect(columns(sql)[1]).toEqual(resolved('amount', 'transform', orders('amount')));
  });

  it('matches UNION BY NAME by name (DuckDB)', () => {
    const sql = `select order_id as id, amount as total from ${ORDERS} union all by name select total, id from "marts"."archive"`;
    expect(columns(sql)).toEqual([
      resolved('id', 'copy', [ref('archive', 'id'), ...orders('order_id')]),
      resolved('total', 'copy', [ref('archive', 'total'), ...orders('amount')]),
    ]);
  });

  it('reads EXCEPT as its left branch', () => {
    expect(columns(`select order_id from ${ORDERS} except select order_id from ${ITEMS}`)).toEqual([
      resolved('order_id', 'copy', orders('order_id')),
    ]);
  });

  it('reaches what a recursive CTE adds at each step', () => {
    const sql = `
      with recursive chain(id, depth) as (
        select order_id, 0 from ${ORDERS}
        union all
        select i.order_id, c.depth + i.quantity from chain as c join ${ITEMS} as i on i.order_id = c.id
      )
      select id, depth from chain`;
    expect(columns(sql)).toEqual([
      resolved('id', 'copy', [ref('orders__items', 'order_id'), ...orders('order_id')]),
      resolved('depth', 'transform', [ref('orders__items', 'quantity')]),
    ]);
  });
});

describe('deriveColumnLineage: what it cannot resolve, it names', () => {
  it('names a relation that is neither a CTE nor one the model refs', () => {
    expect(columns(`select x.a, b from raw.somewhere as x`)).toEqual([
      {
        column: 'a',
        derivation: null,
        inputs: [],
        unresolved:
          '`x.a` comes from `raw.somewhere`, whose columns are not known: `raw.somewhere` is neither a CTE of the query nor a table the model reads through ref()',
      },
      {
        column: 'b',
        derivation: null,
        inputs: [],
        unresolved:
          '`b` is not a known column; it may come from `raw.somewhere`, whose columns are not known: `raw.somewhere` is neither a CTE of the query nor a table the model reads through ref()',
      },
    ]);
  });

  it('names an unqualified column two inputs have, and keeps what it does know', () => {
    expect(
      columns(
        `select coalesce(customer_id, 0) + amount as x from ${ORDERS} as o join ${CUSTOMERS} as c on true`,
      ),
    ).toEqual([
      {
        column: 'x',
        derivation: 'transform',
        inputs: orders('amount'),
        unresolved:
          '`customer_id` is a column of both `stg_orders` and `stg_customers`; without a table qualifier it is ambiguous',
      },
    ]);
  });

  it('names a qualified column its relation does not have', () => {
    expect(columns(`select o.nope from ${ORDERS} as o`)).toEqual([
      {
        column: 'nope',
        derivation: null,
        inputs: [],
        unresolved: '`o.nope`: `stg_orders` has no column `nope`',
      },
    ]);
  });

  it('lists a * over an unknown relation as one entry saying why, after the columns it knows', () => {
    expect(columns(`select c.name, u.* from ${CUSTOMERS} as c cross join other.thing as u`)).toEqual([
      resolved('name', 'copy', [ref('stg_customers', 'name')]),
      {
        column: UNKNOWN_COLUMNS,
        derivation: null,
        inputs: [],
        unresolved:
          '`u.*` cannot be listed: `other.thing` is neither a CTE of the query nor a table the model reads through ref()',
      },
    ]);
  });

  it('passes on a relation whose columns the caller does not know, with the caller reason', () => {
    const relations = [
      ...RELATIONS,
      {
        node: 'later',
        schema: 'marts',
        name: 'later',
        columns: [],
        columnsUnknown: '`later` is not built yet',
      },
    ];
    expect(columns(`select l.x from "marts"."later" as l`, 'duckdb', relations)).toEqual([
      {
        column: 'x',
        derivation: null,
        inputs: [],
        unresolved: '`l.x` comes from `later`, whose columns are not known: `later` is not built yet',
      },
    ]);
  });

  it('names the unknown column of a CTE that read an unknown relation, downstream too', () => {
    const sql = `with t as (select * from nowhere) select t.a from t`;
    expect(columns(sql)).toEqual([
      {
        column: 'a',
        derivation: null,
        inputs: [],
        unresolved:
          '`t.a` comes from CTE `t`, whose columns are not known: `*` cannot be listed: `nowhere` is neither a CTE of the query nor a table the model reads through ref()',
      },
    ]);
  });

  it('gives the parser message when the SQL does not parse, and no columns', () => {
    const result = derive(`select from where )`);
    expect(result.columns).toEqual([]);
    expect(result.parseError).toMatch(/line 1/);
  });

  it('refuses more than one statement', () => {
    expect(derive(`select 1; select 2`).parseError).toBe('expected one SELECT statement, found 2');
  });
});

describe('deriveColumnLineage: dialects', () => {
  it('parses PostgreSQL SQL, folding unquoted names and naming an unaliased call after its function', () => {
    const sql = `select distinct on (O.order_id) O.Order_ID, "status", upper(O.status), to_char(O.placed_at, 'YYYY-MM') as month
      from ${ORDERS} as O order by O.order_id, O.placed_at desc`;
    expect(columns(sql, 'postgres')).toEqual([
      resolved('order_id', 'copy', orders('order_id')),
      resolved('status', 'copy', orders('status')),
      resolved('upper', 'transform', orders('status')),
      resolved('month', 'transform', orders('placed_at')),
    ]);
  });

  it('matches quoted names exactly on PostgreSQL, case-insensitively on DuckDB', () => {
    const sql = `select "Status" from ${ORDERS}`;
    expect(columns(sql, 'duckdb')).toEqual([resolved('Status', 'copy', orders('status'))]);
    expect(columns(sql, 'postgres')[0]?.unresolved).toBe(
      '`Status` is not a column of any relation the query reads',
    );
  });
});
