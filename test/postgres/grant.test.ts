/**
 * `strata grant --role NAME` on a real PostgreSQL server: the role reads marts and the views of
 * them in public, and can write nothing anywhere — checked by connecting as that role. Roles are
 * cluster-wide, so each test makes its own and drops it after the project's database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { grant } from '../../src/api/grant.ts';
import { cli } from '../cli/in-process.ts';
import { TestProject, csv, model } from '../helpers/project.ts';

const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
const reader = `strata_bi_${suffix}`;
const noLogin = `strata_nologin_${suffix}`;
const password = `bi-${randomBytes(9).toString('hex')}`;

let project: TestProject;
/** Roles are made by a role that may create them (the embedded server's superuser; STRATA_TEST_PG_URL's may not). */
let canCreateRoles = false;

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('strataPgAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A connection to the project's database as the granted role, with its password. */
async function asReader<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = new URL(String(project.env.STRATA_DATABASE_URL));
  url.username = reader;
  url.password = password;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with, or 'ok'. */
async function attempt(client: pg.Client, sql: string): Promise<string> {
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return String((error as { code?: unknown }).code);
  }
}

/** Every privilege the role has on every relation and schema of the database, as text. */
async function privileges(role: string): Promise<string[]> {
  const rows = await project.query(
    `SELECT n.nspname || '.' || c.relname || ':' || p.priv AS grant
     FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
     CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE')) AS p(priv)
     WHERE c.relkind IN ('r', 'v', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND has_table_privilege('${role}', c.oid, p.priv)
     UNION ALL
     SELECT n.nspname || ':' || p.priv FROM pg_namespace AS n CROSS JOIN (VALUES ('USAGE'), ('CREATE')) AS p(priv)
     WHERE n.nspname NOT LIKE 'pg\\_%' AND has_schema_privilege('${role}', n.oid, p.priv)
     ORDER BY 1`,
  );
  return rows.map((r) => String(r.grant));
}

beforeAll(async () => {
  canCreateRoles = await admin(async (client) => {
    const { rows } = await client.query<{ ok: boolean }>(
      'SELECT rolsuper OR rolcreaterole AS ok FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.ok === true;
  });
  project = await TestProject.create({
    'seeds/orders.csv': csv(
      'order_id,customer_id,amount,load_date',
      [1, 10, '100.00', '2025-01-01'],
      [2, 20, '50.00', '2025-01-01'],
      [3, 10, '25.50', '2025-01-02'],
    ),
    'models/warehouse/fact_orders.sql': model(
      { materialized: 'incremental', load_date_column: 'load_date' },
      `select order_id, customer_id, cast(amount as decimal(10, 2)) as amount, cast(load_date as date) as load_date
       from {{ ref('orders') }}`,
    ),
    'models/marts/sales_by_customer.sql': model(
      { materialized: 'table' },
      `select customer_id, count(*) as orders, sum(amount) as revenue from {{ ref('fact_orders') }} group by customer_id`,
    ),
    'models/marts/big_customers.sql': model(
      { materialized: 'view' },
      `select customer_id from {{ ref('sales_by_customer') }} where revenue > 60`,
    ),
  });
  const { exitCode } = await project.run({ from: '2025-01-01', to: '2025-01-02' });
  expect(exitCode).toBe(0);
});

afterAll(async () => {
  await project?.dispose();
  await admin(async (client) => {
    for (const role of [reader, noLogin]) await client.query(`DROP ROLE IF EXISTS ${role}`);
  });
});

describe('strata grant', () => {
  it('creates a LOGIN role (password from STRATA_GRANT_PASSWORD) that reads marts and their public views', async (context) => {
    if (!canCreateRoles) context.skip();
    const { code, stdout, stderr } = await cli(['grant', '--role', reader, '--project', project.dir], {
      env: { ...project.env, STRATA_GRANT_PASSWORD: password },
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`Role ${reader} created`);
    expect(stdout).toContain('2 views in public: big_customers, sales_by_customer');
    expect(stdout).not.toContain(password);
    expect(stdout).not.toContain('warning');

    await asReader(async (client) => {
      const sales = await client.query('SELECT customer_id, revenue FROM marts.sales_by_customer ORDER BY 1');
      expect(sales.rows).toEqual([
        { customer_id: '10', revenue: '125.50' },
        { customer_id: '20', revenue: '50.00' },
      ]);
      expect((await client.query('SELECT * FROM public.sales_by_customer')).rowCount).toBe(2);
      expect((await client.query('SELECT * FROM big_customers')).rows).toEqual([{ customer_id: '10' }]);
      expect((await client.query('SELECT * FROM marts.big_customers')).rowCount).toBe(1);
    });
  });

  it('gives the role nothing writable: no insert, update, delete, truncate or create anywhere', async (context) => {
    if (!canCreateRoles) context.skip();
    const schemas = (
      await project.query(
        `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1`,
      )
    ).map((r) => String(r.nspname));
    expect(schemas).toEqual(['audit', 'marts', 'public', 'raw', 'strata', 'warehouse']);
    await asReader(async (client) => {
      const denied = '42501';
      for (const table of ['marts.sales_by_customer', 'public.sales_by_customer', 'warehouse.fact_orders']) {
        expect(await attempt(client, `INSERT INTO ${table} (customer_id) VALUES (99)`), table).toBe(denied);
        expect(await attempt(client, `UPDATE ${table} SET customer_id = 99`), table).toBe(denied);
        expect(await attempt(client, `DELETE FROM ${table}`), table).toBe(denied);
        // A view cannot be truncated at all (42809, wrong object type).
        expect(await attempt(client, `TRUNCATE ${table}`), table).toMatch(/^(42501|42809)$/);
      }
      expect(await attempt(client, 'SELECT * FROM warehouse.fact_orders')).toBe(denied);
      expect(await attempt(client, 'SELECT * FROM audit.pipeline_runs')).toBe(denied);
      for (const schema of schemas) {
        expect(await attempt(client, `CREATE TABLE ${schema}.intruder (x int)`), schema).toBe(denied);
        expect(await attempt(client, `CREATE VIEW ${schema}.intruder AS SELECT 1 AS x`), schema).toBe(denied);
      }
      expect(await attempt(client, 'CREATE SCHEMA intruder')).toBe(denied);
      expect(await attempt(client, 'DROP VIEW public.big_customers')).toBe(denied);
      expect(await attempt(client, `SELECT strata.drop_keeping_views('marts', 'sales_by_customer')`)).toBe(
        denied,
      );
    });
    const result = await grant({ ...project.options, role: reader });
    expect(result.writable).toEqual([]);
  });

  it('is idempotent, and the next run keeps what it granted (default privileges, views restored with grants)', async (context) => {
    if (!canCreateRoles) context.skip();
    const before = await privileges(reader);
    expect(before).toContain('marts.sales_by_customer:SELECT');
    expect(before).toContain('public.big_customers:SELECT');
    expect(before.filter((p) => !/:(SELECT|USAGE)$/.test(p))).toEqual([]);

    const again = await grant({
      ...project.options,
      role: reader,
      env: { ...project.env, STRATA_GRANT_PASSWORD: password },
    });
    expect(again.created).toBe(false);
    expect(again.views.map((v) => [v.name, v.action])).toEqual([
      ['public.big_customers', 'replaced'],
      ['public.sales_by_customer', 'replaced'],
    ]);
    expect(await privileges(reader)).toEqual(before);

    // A new mart and a full refresh: the tables are swapped, the public views dropped and restored.
    await project.write({
      'models/marts/order_count.sql': model(
        { materialized: 'table' },
        `select count(*) as n from {{ ref('fact_orders') }}`,
      ),
    });
    expect((await project.run({ from: '2025-01-01', to: '2025-01-02', fullRefresh: true })).exitCode).toBe(0);
    const after = await privileges(reader);
    expect(after).toEqual([...before, 'marts.order_count:SELECT'].sort());
    await asReader(async (client) => {
      expect((await client.query('SELECT * FROM public.sales_by_customer')).rowCount).toBe(2);
      expect((await client.query('SELECT n FROM marts.order_count')).rows).toEqual([{ n: '3' }]);
      expect(await attempt(client, 'SELECT * FROM public.order_count')).toBe('42P01'); // until grant runs again
    });
    const third = await grant({ ...project.options, role: reader });
    expect(third.views.find((v) => v.name === 'public.order_count')?.action).toBe('created');
  });

  it('makes a NOLOGIN role without a password, and refuses a superuser', async (context) => {
    if (!canCreateRoles) context.skip();
    const env = { ...project.env, STRATA_GRANT_PASSWORD: '' };
    const result = await grant({ ...project.options, env, role: noLogin });
    expect(result).toMatchObject({ created: true, passwordSet: false, writable: [] });
    const [role] = await project.query(`SELECT rolcanlogin FROM pg_roles WHERE rolname = '${noLogin}'`);
    expect(role).toEqual({ rolcanlogin: false });

    const superuser = decodeURIComponent(new URL(inject('strataPgAdminUrl')).username);
    const refused = await cli(['grant', '--role', superuser, '--project', project.dir], { env: project.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/GRANT_ROLE_UNSAFE/);
  });
});
