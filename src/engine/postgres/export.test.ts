import { describe, expect, it } from 'vitest';
import { createPostgresDialect } from './dialect.ts';
import { duckdbType, inlineParameters } from './export.ts';

const dialect = createPostgresDialect({ serverVersion: 170000 });

describe('inlineParameters: COPY takes no parameters, so values become literals', () => {
  it('replaces $n outside quotes, identifiers, comments and dollar quotes', () => {
    const sql = `SELECT '$1', "$1", $1, $$ $2 $$, $tag$ $1 $tag$ -- $2
/* $1 */ FROM t WHERE a >= CAST($2 AS DATE) AND b = $10`;
    const params = ["it's", '2025-01-01', null, null, null, null, null, null, null, 7];
    expect(inlineParameters(sql, params, dialect))
      .toBe(`SELECT '$1', "$1", 'it''s', $$ $2 $$, $tag$ $1 $tag$ -- $2
/* $1 */ FROM t WHERE a >= CAST('2025-01-01' AS DATE) AND b = (7)`);
  });

  it('writes numbers, bigints, booleans and null as literals, and refuses a value it has not', () => {
    expect(inlineParameters('SELECT $1, $2, $3, $4', [1.5, 12345678901234567890n, true, null], dialect)).toBe(
      'SELECT (1.5), (12345678901234567890), TRUE, NULL',
    );
    expect(() => inlineParameters('SELECT $2', ['x'], dialect)).toThrow(/\$2/);
    expect(inlineParameters('SELECT $1', [], dialect)).toBe('SELECT $1');
  });

  it("a string's quote cannot end the literal", () => {
    expect(inlineParameters('SELECT $1', ["x'; DROP TABLE t; --"], dialect)).toBe(
      "SELECT 'x''; DROP TABLE t; --'",
    );
  });
});

describe('duckdbType: PostgreSQL columns read back by DuckDB with their exact types', () => {
  it.each([
    ['NUMERIC(18,2)', 'DECIMAL(18,2)'],
    ['NUMERIC(40,2)', 'DOUBLE'],
    ['TIMESTAMP WITHOUT TIME ZONE', 'TIMESTAMP'],
    ['TIMESTAMP(3) WITHOUT TIME ZONE', 'TIMESTAMP'],
    ['TIMESTAMP WITH TIME ZONE', 'TIMESTAMPTZ'],
    ['DATE', 'DATE'],
    ['BIGINT', 'BIGINT'],
    ['BOOLEAN', 'BOOLEAN'],
    ['JSONB', 'JSON'],
    ['TEXT', 'VARCHAR'],
    ['CHARACTER VARYING(20)', 'VARCHAR'],
    ['INTERVAL', 'VARCHAR'],
    ['TEXT[]', 'VARCHAR'],
  ])('%s → %s', (postgres, duck) => {
    expect(duckdbType(postgres)).toBe(duck);
  });
});
