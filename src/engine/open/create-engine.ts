import { isAbsolute, relative, resolve } from 'node:path';
import type { EngineTarget } from '../../config/resolve-engine.ts';
import type { Engine } from '../types.ts';

/**
 * The one place that maps a resolved engine target to an adapter. Adapters are imported here, on
 * first use, so that a command that never opens a warehouse (`--help`, `init`, `generate`) never
 * loads a database driver.
 */
export async function createEngine(target: EngineTarget): Promise<Engine> {
  switch (target.type) {
    case 'duckdb': {
      const { openDuckDb } = await import('../duckdb/duckdb-engine.ts');
      return openDuckDb(target);
    }
    case 'postgres': {
      const { openPostgres } = await import('../postgres/postgres-engine.ts');
      return openPostgres(target);
    }
  }
}

/**
 * Deletes the warehouse a target names when it is a file of its own inside `folder` (with the files
 * its engine keeps beside it) and returns its path; a server's database is never deleted here.
 */
export async function removeWarehouseFile(target: EngineTarget, folder: string): Promise<string | undefined> {
  switch (target.type) {
    case 'duckdb': {
      if (!isInside(folder, target.path)) return undefined;
      const { removeDuckDbFile } = await import('../duckdb/database-file.ts');
      return (await removeDuckDbFile(target.path)) ? target.path : undefined;
    }
    case 'postgres':
      return undefined;
  }
}

function isInside(folder: string, path: string): boolean {
  const within = relative(resolve(folder), resolve(path));
  return within !== '' && !within.startsWith('..') && !isAbsolute(within);
}
