import type { Engine } from '../types.ts';
import { openDuckDb } from './duckdb-engine.ts';

/**
 * DuckDB as a file reader for the other adapters. The PostgreSQL adapter reads a file with the
 * same readers the DuckDB engine uses, in a scratch in-memory DuckDB, so that a file lands in raw
 * exactly as it would on DuckDB, then copies the rows over. This is the one module of
 * `engine/duckdb/` another adapter may import (ESLint's zones say so).
 */
export { readerFor } from './duckdb-engine.ts';
export { csvFieldNames } from './csv-reader.ts';
export { loadRawDuckDb } from './raw-reader.ts';

export function openScratchDuckDb(): Promise<Engine> {
  return openDuckDb({ path: ':memory:' });
}
