import { csvPatterns } from '../csv-grammar.ts';
import { assertIdentifier, quoteIdentifier } from '../identifiers.ts';
import type { Dialect, LogicalType, TableRef } from '../types.ts';
import { strptimeToPostgres } from './strptime.ts';

const TYPES: Record<LogicalType, string> = {
  text: 'TEXT',
  json: 'JSONB',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/** The schema of the small helper functions the adapter creates once per database (helpers.ts). */
export const HELPER_SCHEMA = 'strata';

/** PostgreSQL 16 brought pg_input_is_valid; older servers use the helper of the same shape. */
export const INPUT_IS_VALID_SINCE = 160000;

export interface PostgresDialectOptions {
  /** server_version_num of the server the SQL is for. */
  serverVersion: number;
}

/**
 * Escaped string literal. PostgreSQL has standard_conforming_strings on (the adapter refuses a
 * server where it is off), so only the quote needs doubling and backslashes are plain characters.
 */
function stringLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('a SQL string literal cannot hold a NUL character');
  return `'${value.replace(/'/g, "''")}'`;
}

function qualify(table: TableRef): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

/** Calls of the helpers that drop a relation keeping the views built on it, and restore those views. */
function dropKeepingViews(target: TableRef): string {
  return `SELECT ${HELPER_SCHEMA}.drop_keeping_views(${stringLiteral(assertIdentifier(target.schema))}, ${stringLiteral(assertIdentifier(target.name))})`;
}
const RESTORE_VIEWS = `SELECT ${HELPER_SCHEMA}.restore_views()`;

/** A JSON string (matched whole, escapes included), or a separator jsonb prints with a space after it. */
const JSONB_SPACING = String.raw`("(?:[^"\\]|\\.)*")|([,:]) `;

/**
 * The text of a top-level key, as DuckDB gives it: scalars as their text, arrays and objects as
 * compact JSON. jsonb prints ", " and ": " between items, and no other white space outside
 * strings, so removing those (and leaving strings, matched whole, as they are) makes it compact.
 * (Object keys come out in jsonb's order, which is not the file's.)
 */
function jsonKeyText(json: string, key: string): string {
  const value = `(${json} -> ${stringLiteral(key)})`;
  return `CASE WHEN jsonb_typeof(${value}) IN ('array', 'object')
  THEN regexp_replace(CAST(${value} AS TEXT), ${stringLiteral(JSONB_SPACING)}, ${stringLiteral(String.raw`\1\2`)}, 'g')
  ELSE (${json} ->> ${stringLiteral(key)}) END`;
}

export function createPostgresDialect(options: PostgresDialectOptions): Dialect {
  const inputIsValid =
    options.serverVersion >= INPUT_IS_VALID_SINCE ? 'pg_input_is_valid' : `${HELPER_SCHEMA}.input_is_valid`;
  const dialect: Dialect = {
    name: 'postgres',
    quoteIdentifier,
    qualify,
    type: (logical) => TYPES[logical],
    hashKey: (expressions) =>
      `md5(concat_ws('|', ${expressions.map((e) => `coalesce(CAST(${e} AS TEXT), '\\N')`).join(', ')}))`,
    // PostgreSQL views bind to the table itself, so a table cannot be dropped under them: the
    // helpers keep the definitions of the views built on the target, drop it with them, and create
    // them again on the new table. DDL is transactional, so readers see the old table until commit.
    swapTable: (staged, target) => [
      dropKeepingViews(target),
      `ALTER TABLE ${qualify(staged)} RENAME TO ${quoteIdentifier(assertIdentifier(target.name))}`,
      RESTORE_VIEWS,
    ],
    // CREATE OR REPLACE VIEW cannot change a view's columns: drop and create, in the transaction.
    replaceView: (target, selectSql) => [
      dropKeepingViews(target),
      `CREATE VIEW ${qualify(target)} AS\n${selectSql}`,
      RESTORE_VIEWS,
    ],
    dropRelation: (target) => [dropKeepingViews(target)],
    stringLiteral,
    jsonText: jsonKeyText,
    jsonTexts: (json, keys, alias, valueKeys = []) => ({
      select: [
        ...keys.map((key, i) => `${jsonKeyText(json, key)} AS ${quoteIdentifier(`${alias}_${i + 1}`)}`),
        ...valueKeys.map(
          (key, i) => `(${json} -> ${stringLiteral(key)}) AS ${quoteIdentifier(`${alias}_value_${i + 1}`)}`,
        ),
      ],
      text: (index) => quoteIdentifier(`${alias}_${index + 1}`),
      value: (index) => quoteIdentifier(`${alias}_value_${index + 1}`),
    }),
    jsonValue: (json, key) => `(${json} -> ${stringLiteral(key)})`,
    jsonKeys: (relation, column) =>
      `SELECT DISTINCT jsonb_object_keys(${column}) AS key FROM ${relation} WHERE jsonb_typeof(${column}) = 'object'`,
    // Upper-case like DuckDB's json_type, so 'ARRAY', 'OBJECT' and 'NULL' compare the same.
    jsonTypeOf: (json, key) =>
      `upper(jsonb_typeof(${key === undefined ? json : `${json} -> ${stringLiteral(key)}`}))`,
    // The guard and the cast read the same text. (PostgreSQL folds a cast of a constant at plan
    // time, before the CASE could guard it: fine for record fields, which are never constants.)
    tryCast: (expression, type) =>
      `CASE WHEN ${inputIsValid}(CAST(${expression} AS TEXT), ${stringLiteral(type)}) THEN CAST(CAST(${expression} AS TEXT) AS ${type}) END`,
    tryParseTimestamp: (expression, format) => {
      const { pattern, template } = strptimeToPostgres(format);
      return `${HELPER_SCHEMA}.try_timestamp(CAST(${expression} AS TEXT), ${stringLiteral(pattern)}, ${stringLiteral(template)})`;
    },
    regexFullMatch: (expression, pattern) => `(${expression} ~ ${stringLiteral(`^(?:${pattern})$`)})`,
    // OFFSET 0 keeps the planner from pulling the subquery up into the query around it, where each
    // use of a column would repeat its expression (a JSON lookup, a parse) for every row.
    computedOnce: (selectSql) => `${selectSql}\nOFFSET 0`,
    unnestJsonArray: (source, arrayExpression) =>
      `SELECT src.*, strata_elements.value AS strata_item, strata_elements.position AS strata_item_position
FROM (${source}) AS src
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(${arrayExpression}) = 'array' THEN ${arrayExpression} END)
  WITH ORDINALITY AS strata_elements(value, position)`,
    splitText: (text, delimiter) => `string_to_array(${text}, ${delimiter})`,
    jsonArrayTexts: (json) => `ARRAY(SELECT jsonb_array_elements_text(${json}))`,
    arrayPosition: (array, value) => `array_position(${array}, ${value})`,
    arrayLength: (array) => `cardinality(${array})`,
    csvValues: (text, csv) => {
      const { E, valueThenDelimiter } = csvPatterns(csv);
      const v = 'strata_csv.match[1]';
      const unquote =
        csv.escape === csv.quote
          ? `replace(substring(${v}, 2, length(${v}) - 2), ${stringLiteral(csv.quote + csv.quote)}, ${stringLiteral(csv.quote)})`
          : `regexp_replace(substring(${v}, 2, length(${v}) - 2), ${stringLiteral(`${E}(.)`)}, '\\1', 'g')`;
      return `ARRAY(SELECT CASE WHEN left(${v}, 1) = ${stringLiteral(csv.quote)} THEN nullif(${unquote}, '') ELSE nullif(${v}, '') END
      FROM regexp_matches(${text} || ${stringLiteral(csv.delimiter)}, ${stringLiteral(valueThenDelimiter)}, 'g')
        WITH ORDINALITY AS strata_csv(match, position) ORDER BY strata_csv.position)`;
    },
    createIndex: (table, columns, { name, unique, summary }) => {
      const index = qualify({ schema: table.schema, name });
      const create = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteIdentifier(name)} ON ${qualify(table)}${summary ? ' USING brin' : ''} (${columns.map(quoteIdentifier).join(', ')})`;
      if (!summary) return [create];
      // Asked of the catalog first: CREATE INDEX locks the table even when the index exists, and
      // waits for an autovacuum of it to be cancelled (a second, deadlock_timeout).
      return [
        `DO $strata$ BEGIN IF to_regclass(${stringLiteral(index)}) IS NULL THEN EXECUTE ${stringLiteral(create)}; END IF; END $strata$`,
        `SELECT brin_summarize_new_values(CAST(${stringLiteral(index)} AS regclass))`,
      ];
    },
    analyzeAfterWrite: (table, columns) => {
      const only = columns
        ? `ARRAY[${columns.map((c) => stringLiteral(assertIdentifier(c))).join(', ')}]`
        : 'CAST(NULL AS text[])';
      return [
        `SELECT ${HELPER_SCHEMA}.analyze_after_write(CAST(${stringLiteral(qualify(table))} AS regclass), CAST($1 AS bigint), ${only})`,
      ];
    },
    createPartitionedTable: (table, like, column) => [
      `CREATE TABLE ${qualify(table)} (LIKE ${like}) PARTITION BY RANGE (${quoteIdentifier(column)})`,
    ],
    ensureMonthPartitions: (table, rows, column) => [
      `SELECT ${HELPER_SCHEMA}.ensure_month_partitions(${stringLiteral(assertIdentifier(table.schema))}, ${stringLiteral(assertIdentifier(table.name))},
  ARRAY(SELECT DISTINCT CAST(date_trunc('month', r.${quoteIdentifier(column)}) AS DATE) FROM ${rows} AS r))`,
    ],
    distributeTable: (table, column) => [
      `SELECT create_distributed_table(${stringLiteral(qualify(table))}, ${stringLiteral(assertIdentifier(column))})`,
    ],
    tableChecksum: (table) =>
      `SELECT coalesce(md5(string_agg(row_text, E'\\n' ORDER BY row_text COLLATE "C")), md5('')) AS checksum
FROM (SELECT CAST(t AS TEXT) AS row_text FROM ${qualify(table)} AS t) AS rows`,
  };
  return dialect;
}

/** The dialect for a current server (16 or later); the adapter builds one for its server's version. */
export const postgresDialect = createPostgresDialect({ serverVersion: INPUT_IS_VALID_SINCE });
