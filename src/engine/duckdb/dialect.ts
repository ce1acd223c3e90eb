import { csvPatterns } from '../csv-grammar.ts';
import { assertIdentifier, quoteIdentifier } from '../identifiers.ts';
import type { Dialect, LogicalType, TableRef } from '../types.ts';

const TYPES: Record<LogicalType, string> = {
  text: 'VARCHAR',
  json: 'JSON',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A JSON path selecting one top-level key, whatever characters the key holds. */
function jsonPath(key: string): string {
  return stringLiteral(`$.${JSON.stringify(key)}`);
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  quoteIdentifier,
  qualify: (table: TableRef) => `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`,
  type: (logical) => TYPES[logical],
  hashKey: (expressions) =>
    `md5(concat_ws('|', ${expressions.map((e) => `coalesce(CAST(${e} AS VARCHAR), '\\N')`).join(', ')}))`,
  // DuckDB views bind lazily and its DDL is transactional, so drop-then-rename is atomic and safe.
  swapTable: (staged, target) => [
    `DROP TABLE IF EXISTS ${duckdbDialect.qualify(target)}`,
    `ALTER TABLE ${duckdbDialect.qualify(staged)} RENAME TO ${quoteIdentifier(assertIdentifier(target.name))}`,
  ],
  replaceView: (target, selectSql) => [
    `CREATE OR REPLACE VIEW ${duckdbDialect.qualify(target)} AS\n${selectSql}`,
  ],
  dropRelation: (target, kind) => [
    `DROP ${kind === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${duckdbDialect.qualify(target)}`,
  ],
  stringLiteral,
  jsonText: (json, key) => `json_extract_string(${json}, ${jsonPath(key)})`,
  jsonTexts: (json, keys, alias, valueKeys = []) => {
    const all = [...keys, ...valueKeys];
    // One json_transform reads texts (VARCHAR: json_extract_string's text) and values (JSON:
    // json_extract's) in one parse, where json_extract_string and json_extract parsed each record
    // twice; for texts alone it also beats json_extract_string's list of paths (a fifth of typing
    // 603 k inventory records: the list and its subscripts cost more than the struct). A struct's
    // field names must differ in more than case, so keys that do not take the two calls.
    if (all.length > 0 && new Set(all.map((key) => key.toLowerCase())).size === all.length) {
      const spec = all.map((key, i) => `${JSON.stringify(key)}: ${i < keys.length ? '"VARCHAR"' : '"JSON"'}`);
      const field = (key: string | undefined) =>
        `struct_extract(${quoteIdentifier(alias)}, ${stringLiteral(key ?? '')})`;
      return {
        select: [
          `json_transform(${json}, ${stringLiteral(`{${spec.join(', ')}}`)}) AS ${quoteIdentifier(alias)}`,
        ],
        text: (index) => field(keys[index]),
        value: (index) => field(valueKeys[index]),
      };
    }
    return {
      select: [
        ...(keys.length
          ? [`json_extract_string(${json}, [${keys.map(jsonPath).join(', ')}]) AS ${quoteIdentifier(alias)}`]
          : []),
        ...valueKeys.map(
          (key, i) =>
            `json_extract(${json}, ${jsonPath(key)}) AS ${quoteIdentifier(`${alias}_value_${i + 1}`)}`,
        ),
      ],
      text: (index) => `${quoteIdentifier(alias)}[${index + 1}]`,
      value: (index) => quoteIdentifier(`${alias}_value_${index + 1}`),
    };
  },
  jsonValue: (json, key) => `json_extract(${json}, ${jsonPath(key)})`,
  jsonKeys: (relation, column) => `SELECT DISTINCT unnest(json_keys(${column})) AS key FROM ${relation}`,
  // A JSON value whose text starts (past whitespace) with a bracket or a brace is an array or an
  // object: only other texts are parsed for their type. json_type parses the whole value: the shape
  // checks of a nested array ran it twice over every record's array (half of orders' suspects
  // scan), and the JSON batch reader once over every record (a fifth of reading orders). The first
  // character is looked at before any whitespace is trimmed: ltrim copies the whole value, and
  // almost every value starts with its bracket (a nested array's, extracted, always does): the type
  // of orders' 231 k records took 70 ms of CPU, then 14 ms; a third of orders' suspects scan.
  jsonTypeOf: (json, key) => {
    if (key !== undefined) return `json_type(${json}, ${jsonPath(key)})`;
    const trimmed = `CASE left(ltrim(CAST(${json} AS VARCHAR), e' \t\n\r'), 1) WHEN '[' THEN 'ARRAY' WHEN '{' THEN 'OBJECT' ELSE json_type(${json}) END`;
    return `CASE left(CAST(${json} AS VARCHAR), 1) WHEN '[' THEN 'ARRAY' WHEN '{' THEN 'OBJECT' ELSE ${trimmed} END`;
  },
  tryCast: (expression, type) => `TRY_CAST(${expression} AS ${type})`,
  tryParseTimestamp: (expression, format) => `try_strptime(${expression}, ${stringLiteral(format)})`,
  regexFullMatch: (expression, pattern) => `regexp_full_match(${expression}, ${stringLiteral(pattern)})`,
  computedOnce: (selectSql) => selectSql,
  unnestJsonArray: (source, arrayExpression) =>
    `SELECT s.* EXCLUDE (strata_array), unnest(s.strata_array) AS strata_item,
       generate_subscripts(s.strata_array, 1) AS strata_item_position
FROM (SELECT src.*, TRY_CAST(${arrayExpression} AS JSON[]) AS strata_array FROM (${source}) AS src) AS s`,
  splitText: (text, delimiter) => `string_split(${text}, ${delimiter})`,
  jsonArrayTexts: (json) => `CAST(${json} AS VARCHAR[])`,
  arrayPosition: (array, value) => `list_position(${array}, ${value})`,
  arrayLength: (array) => `len(${array})`,
  csvValues: (text, csv) => {
    const { E, valueThenDelimiter } = csvPatterns(csv);
    const unquote =
      csv.escape === csv.quote
        ? `replace(substring(v, 2, length(v) - 2), ${stringLiteral(csv.quote + csv.quote)}, ${stringLiteral(csv.quote)})`
        : `regexp_replace(substring(v, 2, length(v) - 2), ${stringLiteral(`${E}(.)`)}, '\\1', 'g')`;
    return `list_transform(regexp_extract_all(${text} || ${stringLiteral(csv.delimiter)}, ${stringLiteral(valueThenDelimiter)}, 1),
      v -> CASE WHEN starts_with(v, ${stringLiteral(csv.quote)}) THEN nullif(${unquote}, '') ELSE nullif(v, '') END)`;
  },
  // Server features: DuckDB has no use for them (its capabilities say so), so they render nothing.
  createIndex: () => [],
  analyzeAfterWrite: () => [],
  createPartitionedTable: () => [],
  ensureMonthPartitions: () => [],
  distributeTable: () => [],
  tableChecksum: (table) =>
    `SELECT coalesce(md5(string_agg(row_text, '\n' ORDER BY row_text)), md5('')) AS checksum
FROM (SELECT CAST(t AS VARCHAR) AS row_text FROM ${duckdbDialect.qualify(table)} AS t) AS rows`,
};
