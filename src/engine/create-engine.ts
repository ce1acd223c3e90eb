import type { EngineTarget } from '../config/resolve-engine.ts';
import { openDuckDb } from './duckdb/duckdb-engine.ts';
import { openPostgres } from './postgres/postgres-engine.ts';
import type { Engine } from './types.ts';

/** The one place that maps a resolved engine target to an adapter. */
export async function createEngine(target: EngineTarget): Promise<Engine> {
  switch (target.type) {
    case 'duckdb':
      return openDuckDb(target);
    case 'postgres':
      return openPostgres(target);
  }
}
