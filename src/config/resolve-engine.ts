import { isAbsolute, join } from 'node:path';
import { StrataError } from '../errors/strata-error.ts';
import type { StrataConfig } from './schema.ts';

export type EngineTarget =
  | { type: 'duckdb'; path: string; memoryLimit?: string; threads?: number }
  | { type: 'postgres'; url: string; urlEnv: string };

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/**
 * Decides which warehouse a command talks to. STRATA_DATABASE_URL with a postgres:// URL wins over
 * the config, so the same project runs on a laptop (DuckDB file) and on a shared server unchanged.
 */
export function resolveEngineTarget(
  config: StrataConfig,
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): EngineTarget {
  const fromEnv = env.STRATA_DATABASE_URL;
  if (fromEnv && POSTGRES_URL.test(fromEnv)) {
    return { type: 'postgres', url: fromEnv, urlEnv: 'STRATA_DATABASE_URL' };
  }
  if (config.engine.type === 'postgres') {
    const url = env[config.engine.urlEnv];
    if (!url || !POSTGRES_URL.test(url)) {
      throw new StrataError(
        'ENGINE_UNAVAILABLE',
        `The config selects PostgreSQL but ${config.engine.urlEnv} holds no postgres:// URL`,
        {
          field: 'engine.urlEnv',
          hint: `Export ${config.engine.urlEnv}=postgres://user@host:5432/db (the password from PGPASSWORD or ~/.pgpass).`,
        },
      );
    }
    return { type: 'postgres', url, urlEnv: config.engine.urlEnv };
  }
  const { path, memoryLimit, threads } = config.engine;
  return {
    type: 'duckdb',
    path: path === ':memory:' || isAbsolute(path) ? path : join(root, path),
    ...(memoryLimit ? { memoryLimit } : {}),
    ...(threads ? { threads } : {}),
  };
}
