import { describe, expect, it } from 'vitest';
import { STRATA_SESSION_OPTIONS, sessionConnection } from './session-options.ts';

describe('a PostgreSQL session’s settings', () => {
  it('are strata’s alone when the user sets none', () => {
    expect(sessionConnection('postgres://u:p%40ss@db.example:5432/wh', {})).toEqual({
      connectionString: 'postgres://u:p%40ss@db.example:5432/wh',
      options: STRATA_SESSION_OPTIONS,
    });
  });

  it('keep the URL’s options and PGOPTIONS before strata’s, and take options out of the URL', () => {
    const { connectionString, options } = sessionConnection(
      'postgres://u@db.example/wh?sslmode=disable&options=-c%20work_mem%3D64MB%20-c%20TimeZone%3DEurope%2FBerlin',
      { PGOPTIONS: '-c statement_timeout=0' },
    );
    expect(connectionString).toBe('postgres://u@db.example/wh?sslmode=disable');
    expect(options).toBe(
      `-c work_mem=64MB -c TimeZone=Europe/Berlin -c statement_timeout=0 ${STRATA_SESSION_OPTIONS}`,
    );
    // The server applies them in order: strata's time zone is the one that holds.
    expect(options.lastIndexOf('TimeZone=UTC')).toBeGreaterThan(options.indexOf('TimeZone=Europe/Berlin'));
  });
});
