import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { StrataError } from '../../errors/strata-error.ts';
import { assertIdentifier, quoteIdentifier } from '../identifiers.ts';
import type { Dialect, RoleAdmin, Session, TableRef, WritablePrivilege } from '../types.ts';

/**
 * Roles and privileges on PostgreSQL (`strata grant`). A password never travels as text: the
 * adapter sends a SCRAM-SHA-256 verifier computed here (as psql's \password does), so the password
 * is in no statement, server log or error.
 */
export function postgresRoleAdmin(dialect: Dialect): RoleAdmin {
  const q = quoteIdentifier;
  return {
    async ensureRole(session, role, password) {
      assertIdentifier(role, 'role');
      const { rows } = await session.query(
        `SELECT r.rolsuper AS superuser, r.rolname = current_user AS is_me
         FROM pg_catalog.pg_roles AS r WHERE r.rolname = $1`,
        [role],
      );
      const existing = rows[0];
      if (existing?.is_me === true) {
        throw new StrataError(
          'GRANT_ROLE_UNSAFE',
          `The role ${role} is the one running strata, which owns the warehouse.`,
          {
            hint: 'Name another role: the read-only role must not own anything it reads.',
          },
        );
      }
      if (existing?.superuser === true) {
        throw new StrataError(
          'GRANT_ROLE_UNSAFE',
          `The role ${role} is a superuser, which can write anything.`,
          {
            hint: 'Name a role that is not a superuser (or a new one: strata creates it).',
          },
        );
      }
      const login = password === undefined ? 'NOLOGIN' : 'LOGIN PASSWORD';
      const shown = password === undefined ? login : `${login} '***'`;
      const secret =
        password === undefined ? login : `${login} ${dialect.stringLiteral(scramVerifier(password))}`;
      if (!existing)
        await executeSecret(session, `CREATE ROLE ${q(role)} ${secret}`, `CREATE ROLE ${q(role)} ${shown}`);
      else if (password !== undefined) {
        await executeSecret(session, `ALTER ROLE ${q(role)} ${secret}`, `ALTER ROLE ${q(role)} ${shown}`);
      }
      // The database's name need not be an identifier strata would accept: format() quotes it.
      await session.execute(
        `DO $strata$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${dialect.stringLiteral(role)}); END $strata$`,
      );
      return { created: !existing };
    },

    async grantSchemaRead(session, role, schema) {
      const s = q(schema);
      const r = q(role);
      await session.execute(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await session.execute(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
      await session.execute(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${r}`);
      // Tables and views the owner (the role running strata) creates there later: every run's swap.
      await session.execute(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${r}`);
    },

    async readerView(session, role, source, view) {
      const { rows } = await session.query(
        `SELECT c.relkind AS kind FROM pg_catalog.pg_class AS c
         JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = $2`,
        [view.schema, view.name],
      );
      const kind = rows[0]?.kind;
      if (kind !== undefined && kind !== 'v') return 'conflict';
      const select = `SELECT * FROM ${dialect.qualify(source)}`;
      if (kind === undefined) await session.execute(`CREATE VIEW ${dialect.qualify(view)} AS ${select}`);
      else await replaceKeepingGrants(session, dialect, view, select);
      await session.execute(`GRANT USAGE ON SCHEMA ${q(view.schema)} TO ${q(role)}`);
      await session.execute(`GRANT SELECT ON ${dialect.qualify(view)} TO ${q(role)}`);
      return kind === undefined ? 'created' : 'replaced';
    },

    async writablePrivileges(session, role) {
      const { rows } = await session.query(WRITABLE_SQL, [role]);
      return rows.map((row): WritablePrivilege => ({ what: String(row.what) }));
    },
  };
}

/**
 * CREATE OR REPLACE VIEW keeps a view's grants but can only add columns; when the source changed
 * otherwise, the view is dropped (keeping the views built on it) and created again.
 */
async function replaceKeepingGrants(
  session: Session,
  dialect: Dialect,
  view: TableRef,
  select: string,
): Promise<void> {
  await session.execute('SAVEPOINT strata_reader_view');
  try {
    await session.execute(`CREATE OR REPLACE VIEW ${dialect.qualify(view)} AS ${select}`);
    await session.execute('RELEASE SAVEPOINT strata_reader_view');
  } catch {
    await session.execute('ROLLBACK TO SAVEPOINT strata_reader_view');
    for (const sql of dialect.replaceView(view, select)) await session.execute(sql);
  }
}

/** Runs a statement holding a password verifier; a failure shows the statement without it. */
async function executeSecret(session: Session, sql: string, shown: string): Promise<void> {
  try {
    await session.execute(sql);
  } catch (error) {
    if (!(error instanceof StrataError)) throw error;
    throw new StrataError(error.code, error.message, {
      sql: shown,
      cause: error.cause,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
}

/** RFC 7677 / PostgreSQL's SCRAM-SHA-256 verifier: what CREATE ROLE ... PASSWORD stores. */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const USER_SCHEMAS = `n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`;

/**
 * Everything beyond reading that the role can do in this database, however it got it (directly,
 * through a role it belongs to, or from PUBLIC): role attributes, CREATE on the database or a
 * schema, and any writing privilege on a table or view. (TEMPORARY, which PUBLIC has by default,
 * creates only session-private tables and is not listed.)
 */
const WRITABLE_SQL = `
SELECT what FROM (
  SELECT 1 AS o, a.attr AS what
  FROM pg_catalog.pg_roles AS r
  CROSS JOIN LATERAL (VALUES
    ('SUPERUSER', r.rolsuper), ('CREATEROLE', r.rolcreaterole), ('CREATEDB', r.rolcreatedb),
    ('BYPASSRLS', r.rolbypassrls), ('REPLICATION', r.rolreplication)) AS a(attr, held)
  WHERE r.rolname = $1 AND a.held
  UNION ALL
  SELECT 2, 'CREATE on database ' || quote_ident(current_database())
  WHERE has_database_privilege($1, current_database(), 'CREATE')
  UNION ALL
  SELECT 3, 'CREATE on schema ' || quote_ident(n.nspname)
  FROM pg_catalog.pg_namespace AS n
  WHERE ${USER_SCHEMAS} AND has_schema_privilege($1, n.oid, 'CREATE')
  UNION ALL
  SELECT 4, p.priv || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
  FROM pg_catalog.pg_class AS c
  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
  CROSS JOIN (VALUES ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('REFERENCES'), ('TRIGGER')) AS p(priv)
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_SCHEMAS}
    AND has_table_privilege($1, c.oid, p.priv)
) AS found
ORDER BY o, what`;
