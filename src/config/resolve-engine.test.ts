import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import { validateConfig } from './load-config.ts';
import { resolveEngineTarget } from './resolve-engine.ts';
import type { StrataConfigInput } from './schema.ts';

const ROOT = '/projects/shop';
const config = (input: StrataConfigInput = {}) => validateConfig(input);

describe('resolveEngineTarget', () => {
  it('defaults to a DuckDB file with an absolute path inside the project', () => {
    expect(resolveEngineTarget(config(), ROOT, {})).toEqual({
      type: 'duckdb',
      path: '/projects/shop/warehouse.duckdb',
    });
  });

  it('resolves a relative DuckDB path against the project and keeps absolute and in-memory paths', () => {
    const at = (path: string) => resolveEngineTarget(config({ engine: { type: 'duckdb', path } }), ROOT, {});
    expect(at('data/../data/shop.duckdb')).toEqual({
      type: 'duckdb',
      path: '/projects/shop/data/shop.duckdb',
    });
    expect(at('/var/lib/shop.duckdb')).toEqual({ type: 'duckdb', path: '/var/lib/shop.duckdb' });
    expect(at(':memory:')).toEqual({ type: 'duckdb', path: ':memory:' });
  });

  it('passes DuckDB memory and thread limits through when set', () => {
    const target = resolveEngineTarget(
      config({ engine: { type: 'duckdb', memoryLimit: '2GB', threads: 4 } }),
      ROOT,
      {},
    );
    expect(target).toEqual({
      type: 'duckdb',
      path: '/projects/shop/warehouse.duckdb',
      memoryLimit: '2GB',
      threads: 4,
    });
  });

  it('selects PostgreSQL when STRATA_DATABASE_URL holds a postgres:// URL, whatever the config says', () => {
    const url = 'postgres://etl@db.internal:5432/warehouse';
    expect(resolveEngineTarget(config(), ROOT, { STRATA_DATABASE_URL: url })).toEqual({
      type: 'postgres',
      url,
      urlEnv: 'STRATA_DATABASE_URL',
    });
    expect(
      resolveEngineTarget(config(), ROOT, { STRATA_DATABASE_URL: 'postgresql://localhost/w' }),
    ).toMatchObject({ type: 'postgres', url: 'postgresql://localhost/w' });
  });

  it('ignores a STRATA_DATABASE_URL that is not a postgres URL', () => {
    expect(resolveEngineTarget(config(), ROOT, { STRATA_DATABASE_URL: 'mysql://localhost/w' })).toEqual({
      type: 'duckdb',
      path: '/projects/shop/warehouse.duckdb',
    });
  });

  it('reads the URL from the variable the config names', () => {
    const pg = config({ engine: { type: 'postgres', urlEnv: 'SHOP_DB_URL' } });
    expect(resolveEngineTarget(pg, ROOT, { SHOP_DB_URL: 'postgres://localhost/shop' })).toEqual({
      type: 'postgres',
      url: 'postgres://localhost/shop',
      urlEnv: 'SHOP_DB_URL',
    });
  });

  it('throws ENGINE_UNAVAILABLE naming the variable when the config selects PostgreSQL without a URL', () => {
    let caught: unknown;
    try {
      resolveEngineTarget(config({ engine: { type: 'postgres' } }), ROOT, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StrataError);
    expect(caught).toMatchObject({
      code: 'ENGINE_UNAVAILABLE',
      message: 'The config selects PostgreSQL but STRATA_DATABASE_URL holds no postgres:// URL',
      location: { field: 'engine.urlEnv' },
      hint: 'Export STRATA_DATABASE_URL=postgres://user@host:5432/db (the password from PGPASSWORD or ~/.pgpass).',
    });

    const custom = config({ engine: { type: 'postgres', urlEnv: 'SHOP_DB_URL' } });
    expect(() => resolveEngineTarget(custom, ROOT, { SHOP_DB_URL: 'not-a-url' })).toThrow(
      'The config selects PostgreSQL but SHOP_DB_URL holds no postgres:// URL',
    );
  });
});
