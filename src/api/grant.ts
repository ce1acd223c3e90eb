import { assertIdentifier } from '../engine/identifiers.ts';
import { StrataError } from '../errors/strata-error.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

/** The environment variable `strata grant` reads the role's password from (never an argument). */
export const GRANT_PASSWORD_ENV = 'STRATA_GRANT_PASSWORD';

/** The schema a read-only role may read, and the schema its views for BI tools go in. */
export const GRANT_SCHEMA = 'marts';
export const GRANT_VIEW_SCHEMA = 'public';

export interface GrantRequest extends ProjectOptions {
  role: string;
}

export interface GrantResult {
  role: string;
  /** The role did not exist and was created. */
  created: boolean;
  /** LOGIN with the password from STRATA_GRANT_PASSWORD (else a new role is NOLOGIN). */
  passwordSet: boolean;
  schema: string;
  /** The views in `public`, one per relation of `marts`. */
  views: { name: string; source: string; action: 'created' | 'replaced' }[];
  /** Names in `public` held by a table, so no view was made for that mart. */
  conflicts: string[];
  /** What the role can still do beyond reading (granted elsewhere, or to PUBLIC); normally none. */
  writable: string[];
  engine: string;
}

/**
 * `strata grant --role NAME`: a read-only role for BI tools. It may read every table and view of
 * `marts` (now and those created later), and views in `public` of the same names for tools that
 * dislike custom schemas. One transaction; running it again gives the same state.
 */
export async function grant(request: GrantRequest): Promise<GrantResult> {
  const role = assertIdentifier(request.role, 'role');
  const env = request.env ?? process.env;
  const password = env[GRANT_PASSWORD_ENV] || undefined;
  return withProject(request, async (_project, engine) => {
    const roles = engine.capabilities.roles ? engine.roles : undefined;
    if (!roles) {
      throw new StrataError(
        'ENGINE_NO_ROLES',
        `The warehouse ${engine.description} has no database roles to grant.`,
        {
          hint: 'strata grant needs PostgreSQL: set STRATA_DATABASE_URL=postgres://... (or engine.type "postgres" in strata.config.ts). A DuckDB file is shared by giving read access to the file itself.',
        },
      );
    }
    const marts = (await engine.listTables(GRANT_SCHEMA)).filter((t) => !t.name.includes('__strata_'));
    return engine.withSession((session) =>
      session.transaction(async (s) => {
        const { created } = await roles.ensureRole(s, role, password);
        await roles.grantSchemaRead(s, role, GRANT_SCHEMA);
        const views: GrantResult['views'] = [];
        const conflicts: string[] = [];
        for (const source of marts) {
          const view = { schema: GRANT_VIEW_SCHEMA, name: source.name };
          const action = await roles.readerView(s, role, source, view);
          if (action === 'conflict') conflicts.push(`${view.schema}.${view.name}`);
          else
            views.push({
              name: `${view.schema}.${view.name}`,
              source: `${source.schema}.${source.name}`,
              action,
            });
        }
        const writable = (await roles.writablePrivileges(s, role)).map((p) => p.what);
        return {
          role,
          created,
          passwordSet: password !== undefined,
          schema: GRANT_SCHEMA,
          views,
          conflicts,
          writable,
          engine: engine.description,
        };
      }),
    );
  });
}
