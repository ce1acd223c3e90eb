import type pg from 'pg';
import { HELPER_SCHEMA } from './dialect.ts';

/**
 * The few plpgsql functions the PostgreSQL dialect calls, kept in their own schema. Bump the
 * version when a definition changes: an older database gets them replaced on its next open.
 */
export const HELPERS_VERSION = 4;

/** Any constant: the transaction-level advisory lock that serialises installing the helpers. */
const INSTALL_LOCK = 0x5374_7261_7461_01n;

/**
 * Any constant: the transaction-level advisory lock that serialises dropping a relation with the
 * views built on it, until the transaction that restores them commits. Two tasks of a run swapping
 * tables that one view reads would otherwise both save and drop that view: the second reads the
 * definition of a view the first has dropped ("could not open relation with OID").
 */
const VIEWS_LOCK = 0x5374_7261_7461_02n;

const S = HELPER_SCHEMA;

const DEFINITIONS = [
  `CREATE SCHEMA IF NOT EXISTS ${S}`,
  // pg_input_is_valid for servers before 16: one cast attempt inside an exception block.
  `CREATE OR REPLACE FUNCTION ${S}.input_is_valid(p_value text, p_type text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_value IS NULL THEN RETURN NULL; END IF;
  EXECUTE format('SELECT CAST(%L AS %s)', p_value, p_type);
  RETURN true;
EXCEPTION WHEN others THEN
  RETURN false;
END $$`,
  // strptime's try_strptime: the text must match the format's pattern, and to_timestamp must
  // accept it (it refuses impossible dates); anything else is null, never an error.
  `CREATE OR REPLACE FUNCTION ${S}.try_timestamp(p_value text, p_pattern text, p_template text) RETURNS timestamp
LANGUAGE plpgsql STABLE SET TimeZone = 'UTC' AS $$
BEGIN
  IF p_value IS NULL OR p_value !~ p_pattern THEN RETURN NULL; END IF;
  RETURN to_timestamp(p_value, p_template) AT TIME ZONE 'UTC';
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$`,
  // A view binds to the relation it reads, so that relation cannot be dropped under it: keep the
  // definitions of every view built on it (directly or through other views), then drop it with them.
  `CREATE OR REPLACE FUNCTION ${S}.drop_keeping_views(p_schema text, p_name text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_oid oid;
  v_kind "char";
  v_saved integer;
BEGIN
  SELECT c.oid, c.relkind INTO v_oid, v_kind
  FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
  WHERE n.nspname = p_schema AND c.relname = p_name;
  IF v_oid IS NULL THEN RETURN 0; END IF;
  -- One transaction at a time drops and restores views; the statements after the lock see what
  -- the one before committed (each takes a new snapshot).
  PERFORM pg_catalog.pg_advisory_xact_lock(${VIEWS_LOCK});
  SELECT c.oid, c.relkind INTO v_oid, v_kind
  FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
  WHERE n.nspname = p_schema AND c.relname = p_name;
  IF v_oid IS NULL THEN RETURN 0; END IF;
  CREATE TEMPORARY TABLE IF NOT EXISTS strata_saved_views (
    schema_name text NOT NULL, view_name text NOT NULL, depth integer NOT NULL, definition text NOT NULL,
    acl aclitem[], saved serial);
  EXECUTE $sql$
    WITH RECURSIVE dependants(oid, depth) AS (
      SELECT $1, 0
      UNION ALL
      SELECT r.ev_class, d.depth + 1
      FROM dependants AS d
      JOIN pg_catalog.pg_depend AS dep ON dep.refobjid = d.oid
        AND dep.refclassid = 'pg_catalog.pg_class'::regclass AND dep.classid = 'pg_catalog.pg_rewrite'::regclass
      JOIN pg_catalog.pg_rewrite AS r ON r.oid = dep.objid
      WHERE r.ev_class <> d.oid
    )
    INSERT INTO pg_temp.strata_saved_views (schema_name, view_name, depth, definition, acl)
    SELECT n.nspname, c.relname, max(d.depth), pg_catalog.pg_get_viewdef(c.oid), c.relacl
    FROM dependants AS d
    JOIN pg_catalog.pg_class AS c ON c.oid = d.oid
    JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
    WHERE d.depth > 0 AND c.relkind = 'v'
    GROUP BY c.oid, n.nspname, c.relname, c.relacl
    ORDER BY max(d.depth)
  $sql$ USING v_oid;
  GET DIAGNOSTICS v_saved = ROW_COUNT;
  IF v_kind = 'v' THEN
    EXECUTE format('DROP VIEW %I.%I CASCADE', p_schema, p_name);
  ELSIF v_kind = 'm' THEN
    EXECUTE format('DROP MATERIALIZED VIEW %I.%I CASCADE', p_schema, p_name);
  ELSE
    EXECUTE format('DROP TABLE %I.%I CASCADE', p_schema, p_name);
  END IF;
  RETURN v_saved;
END $$`,
  // Creates the kept views again, innermost first, with the grants they had (a BI role's SELECT on
  // a view in public built on a mart). A view that no longer fits what it reads (a column it
  // selects is gone) stays dropped, with a warning: its own model (or strata grant) creates it again.
  `CREATE OR REPLACE FUNCTION ${S}.restore_views() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v record;
  g record;
  v_restored integer := 0;
BEGIN
  IF to_regclass('pg_temp.strata_saved_views') IS NULL THEN RETURN 0; END IF;
  FOR v IN EXECUTE 'SELECT schema_name, view_name, definition, acl FROM pg_temp.strata_saved_views ORDER BY depth, saved' LOOP
    IF to_regclass(format('%I.%I', v.schema_name, v.view_name)) IS NULL THEN
      BEGIN
        EXECUTE format('CREATE VIEW %I.%I AS %s', v.schema_name, v.view_name, v.definition);
        -- (aclexplode refuses an empty array: a view nobody was granted anything on has none.)
        IF coalesce(cardinality(v.acl), 0) > 0 THEN
          FOR g IN SELECT a.grantee, a.privilege_type, a.is_grantable
                   FROM aclexplode(v.acl) AS a WHERE a.grantee <> a.grantor LOOP
            EXECUTE format('GRANT %s ON %I.%I TO %s%s', g.privilege_type, v.schema_name, v.view_name,
              CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END,
              CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
          END LOOP;
        END IF;
        v_restored := v_restored + 1;
      EXCEPTION WHEN others THEN
        RAISE WARNING 'strata: the view %.% no longer fits what it reads and stays dropped until its model runs: %',
          v.schema_name, v.view_name, SQLERRM;
      END;
    END IF;
  END LOOP;
  EXECUTE 'DELETE FROM pg_temp.strata_saved_views';
  RETURN v_restored;
END $$`,
  // Month partitions of a table partitioned by range on a DATE column, created on demand: one per
  // month in p_months (first days), named <table>_pYYYYMM, and a default partition (<table>_pdefault)
  // for rows without a date.
  `CREATE OR REPLACE FUNCTION ${S}.ensure_month_partitions(p_schema text, p_table text, p_months date[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  v_month date;
  v_name text;
  v_created integer := 0;
BEGIN
  -- A table built before its model asked for partitions stays as it is until it is rebuilt.
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
                 WHERE n.nspname = p_schema AND c.relname = p_table AND c.relkind = 'p') THEN
    RETURN 0;
  END IF;
  v_name := left(p_table, 54) || '_pdefault';
  IF to_regclass(format('%I.%I', p_schema, v_name)) IS NULL THEN
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I DEFAULT', p_schema, v_name, p_schema, p_table);
  END IF;
  FOREACH v_month IN ARRAY coalesce(p_months, '{}'::date[]) LOOP
    CONTINUE WHEN v_month IS NULL;
    v_name := left(p_table, 54) || '_p' || to_char(v_month, 'YYYYMM');
    IF to_regclass(format('%I.%I', p_schema, v_name)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)', p_schema, v_name,
        p_schema, p_table, v_month, (v_month + interval '1 month')::date);
      v_created := v_created + 1;
    END IF;
  END LOOP;
  RETURN v_created;
END $$`,
  // ANALYZE after a task's write, when the statistics are worth refreshing: the planner has none
  // yet (a new or swapped table), or the rows changed since they were taken — committed ones as the
  // server counts them, plus the task's own (p_written) — reach autovacuum's threshold
  // (autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × rows; 50 + 10% by default).
  // A day appended to a month of history changes a thirtieth of it: the statistics still describe
  // it, and refreshing them after every task was a fifth of a PostgreSQL day's statement time.
  `CREATE OR REPLACE FUNCTION ${S}.analyze_after_write(p_table regclass, p_written bigint, p_columns text[]) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  v_rows real;
  v_changed bigint;
  v_analyzed boolean;
BEGIN
  IF coalesce(p_written, 0) <= 0 THEN RETURN false; END IF;
  -- Statistics are known by their rows in pg_stats, which outlive a reset of the server's counters
  -- and travel with a database copied from a template; a row estimate below 0 means never analyzed.
  SELECT c.reltuples, coalesce(s.n_mod_since_analyze, 0),
         EXISTS (SELECT 1 FROM pg_catalog.pg_stats AS st WHERE st.schemaname = n.nspname AND st.tablename = c.relname)
    INTO v_rows, v_changed, v_analyzed
  FROM pg_catalog.pg_class AS c
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_stat_all_tables AS s ON s.relid = c.oid
  WHERE c.oid = p_table;
  IF v_analyzed AND v_rows >= 0 AND v_changed + p_written <
      current_setting('autovacuum_analyze_threshold')::bigint
      + current_setting('autovacuum_analyze_scale_factor')::float8 * v_rows THEN
    RETURN false;
  END IF;
  IF p_columns IS NULL THEN
    EXECUTE format('ANALYZE %s', p_table);
  ELSE
    EXECUTE format('ANALYZE %s (%s)', p_table,
      (SELECT string_agg(quote_ident(c), ', ' ORDER BY n) FROM unnest(p_columns) WITH ORDINALITY AS u(c, n)));
  END IF;
  RETURN true;
END $$`,
  `CREATE OR REPLACE FUNCTION ${S}.helpers_version() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT ${HELPERS_VERSION} $$`,
];

/**
 * Installs (or upgrades) the helper functions unless this database has them already. A role that
 * may not create them (a read-only BI role) opens the warehouse all the same: it only reads.
 */
export async function ensureHelpers(client: pg.ClientBase): Promise<void> {
  if ((await installedVersion(client)) >= HELPERS_VERSION) return;
  try {
    await install(client);
  } catch (error) {
    if ((error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE) throw error;
  }
}

const INSUFFICIENT_PRIVILEGE = '42501';

async function install(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [INSTALL_LOCK.toString()]);
    if ((await installedVersion(client)) < HELPERS_VERSION) {
      for (const statement of DEFINITIONS) await client.query(statement);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function installedVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ present: string | null }>(
    `SELECT to_regprocedure('${S}.helpers_version()')::text AS present`,
  );
  if (!rows[0]?.present) return 0;
  const version = await client.query<{ v: number }>(`SELECT ${S}.helpers_version() AS v`);
  return Number(version.rows[0]?.v ?? 0);
}
