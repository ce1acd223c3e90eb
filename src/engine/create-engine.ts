import type { EngineTarget } from '../config/resolve-engine.ts';
import { StrataError } from '../errors/strata-error.ts';
import { openDuckDb } from './duckdb/duckdb-engine.ts';
import type { Engine } from './types.ts';

/** The one place that maps a resolved engine target to an adapter. */
export async function createEngine(target: EngineTarget): Promise<Engine> {
  switch (target.type) {
    case 'duckdb':
      return openDuckDb(target);
    case 'postgres':
      throw new StrataError(
        'ENGINE_UNAVAILABLE',
        'The PostgreSQL adapter is not part of this strata build yet',
        {
          hint: 'Unset STRATA_DATABASE_URL (or set engine.type to "duckdb") to use the embedded DuckDB warehouse.',
        },
      );
  }
}
