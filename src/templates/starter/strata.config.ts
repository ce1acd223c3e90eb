import { defineConfig } from 'strata';

export default defineConfig({
  name: 'starter',
  // The warehouse is a DuckDB file in this folder. Set STRATA_DATABASE_URL=postgres://... to use a server.
  engine: { type: 'duckdb', path: 'warehouse.duckdb' },
  run: { concurrency: 4, retries: 2 },
});
