import { StrataError, causeMessage } from '../../errors/strata-error.ts';
import { RAW_COLUMNS } from '../raw-columns.ts';
import type { RawLoadRequest, RawLoadResult, Session } from '../types.ts';
import { loadCsv } from './csv-reader.ts';
import { duckdbDialect as d } from './dialect.ts';
import { blankLine, dropTemporary, linesOf, rejectedLines, tempPrefix } from './line-reader.ts';

/**
 * Appends one file to a raw table, as received: NDJSON and CSV line by line (a bad line becomes a
 * malformed raw row with its text and reason; the rest of the file goes on), JSON arrays and
 * Parquet record by record. Positions are 1-based record numbers in the file.
 */
export async function loadRawDuckDb(request: RawLoadRequest, session: Session): Promise<RawLoadResult> {
  const { lineage } = request;
  const target = d.qualify(request.target);
  const params = [
    lineage.ingestionId,
    lineage.runId,
    lineage.loadDate,
    lineage.sourceFile,
    lineage.ingestedAt,
    request.path,
  ];
  const lineageColumns = `$1 AS ingestion_id, $2 AS run_id, CAST($3 AS DATE) AS load_date, $4 AS source_file`;
  const insert = `INSERT INTO ${target} (${RAW_COLUMNS.join(', ')})`;
  // Only gzip is named: the readers spell "uncompressed" differently, and their default is right.
  const compression = request.compression === 'gzip' ? `, compression = 'gzip'` : '';
  const objectCheck = (json: string) =>
    `CASE WHEN json_type(${json}) = 'OBJECT' THEN NULL ELSE 'the record is JSON but not an object' END`;

  let keys: string[] | undefined;
  try {
    switch (request.format) {
      case 'ndjson':
        await loadNdjson(request, session, insert, lineageColumns, params.slice(0, 5), compression);
        break;
      case 'json': {
        await session.execute(
          `${insert}
SELECT ${lineageColumns}, row_number() OVER () AS record_position, NULL, CAST($5 AS TIMESTAMP),
  CASE WHEN json_type(json) = 'OBJECT' THEN json END,
  CASE WHEN json_type(json) = 'OBJECT' THEN NULL ELSE CAST(json AS VARCHAR) END,
  ${objectCheck('json')}
FROM read_json_objects($6, format = 'array'${compression})`,
          params,
        );
        break;
      }
      case 'parquet': {
        const inserted = await session.execute(
          `${insert}
SELECT ${lineageColumns}, row_number() OVER () AS record_position, NULL, CAST($5 AS TIMESTAMP),
  to_json(t), NULL, NULL
FROM read_parquet($6) AS t`,
          params,
        );
        // A Parquet file states its columns: every record has them, so its schema is the layout.
        const described = await session.query('DESCRIBE SELECT * FROM read_parquet($1)', [request.path]);
        keys = described.rows.map((row) => String(row.column_name));
        // Every row of a Parquet file is a record that parsed: the insert counted them.
        return { records: inserted.rowsAffected, malformed: 0, keys };
      }
      case 'csv':
        keys = await loadCsv(request, session, {
          table: target,
          lineageColumns,
          lineageParams: params.slice(0, 5),
          compression,
        });
        break;
    }
  } catch (error) {
    if (error instanceof StrataError && error.code === 'SOURCE_COLUMN_MISSING') throw error;
    throw new StrataError(
      'FILE_UNREADABLE',
      `${lineage.sourceFile} cannot be read as ${request.format}: ${causeMessage(error)}`,
      {
        file: lineage.sourceFile,
        cause: error,
        hint:
          request.format === 'json'
            ? 'A JSON array cannot be read past a syntax error; fix or re-export the file. Its records were not loaded.'
            : 'Check the file’s format and compression; its records were not loaded.',
      },
    );
  }
  const { rows } = await session.query(
    `SELECT count(*) AS records, count(*) FILTER (WHERE parse_error IS NOT NULL) AS malformed FROM ${target}
     WHERE load_date = CAST($2 AS DATE) AND ingestion_id = $1`,
    // The load date first: raw is appended in date order, so its zone maps skip the other dates.
    [lineage.ingestionId, lineage.loadDate],
  );
  return {
    records: Number(rows[0]?.records ?? 0),
    malformed: Number(rows[0]?.malformed ?? 0),
    keys,
  };
}

/** NDJSON, line by line: a line that is not a JSON object, or not valid UTF-8, is one malformed record. */
async function loadNdjson(
  request: RawLoadRequest,
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  compression: string,
): Promise<void> {
  const rejects = tempPrefix();
  const good = `${rejects}_good`;
  const records = (lines: string) => `
  CASE WHEN json_type(j) = 'OBJECT' THEN j END AS record,
  CASE WHEN json_type(j) = 'OBJECT' THEN NULL ELSE line END AS raw_text,
  CASE WHEN j IS NULL THEN 'the line is not valid JSON'
       WHEN json_type(j) <> 'OBJECT' THEN 'the line is JSON but not an object' END AS parse_error
FROM (SELECT *, TRY_CAST(line AS JSON) AS j FROM ${lines}) AS lines`;
  // Most files have no blank line and no line the reader refuses: every line is then a record,
  // its number its position, and the file goes straight from the reader into raw.
  const { rows } = await session.query(
    `SELECT count(*) FILTER (WHERE ${blankLine('line')}) AS blank FROM ${linesOf(compression, rejects)}`,
    [request.path],
  );
  const rejected = await session.query(`SELECT count(*) AS n FROM ${rejects}`);
  if (Number(rows[0]?.blank ?? 0) === 0 && Number(rejected.rows[0]?.n ?? 0) === 0) {
    const reads = tempPrefix();
    const numbered = `(SELECT row_number() OVER () AS n, line FROM ${linesOf(compression, reads, '$6')})`;
    await session.execute(
      `${insert}
SELECT ${lineageColumns}, n, NULL, CAST($5 AS TIMESTAMP), ${records(numbered)}`,
      [...lineageParams, request.path],
    );
    await dropTemporary(session, rejects, `${rejects}_scan`, reads, `${reads}_scan`);
    return;
  }
  await session.execute(
    `CREATE TEMPORARY TABLE ${good} AS
SELECT row_number() OVER () AS n, ${records(
      `${linesOf(compression, `${rejects}_lines`)} WHERE NOT (${blankLine('line')})`,
    )}`,
    [request.path],
  );
  const bad = await rejectedLines(session, `${rejects}_lines`, 0, {
    path: request.path,
    gzip: request.compression === 'gzip',
  });
  await insertNumbered(session, insert, lineageColumns, lineageParams, good, bad);
  const made = [good, bad, rejects, `${rejects}_scan`, `${rejects}_lines`, `${rejects}_lines_scan`];
  await dropTemporary(session, ...made);
}

/**
 * Appends the parsed rows (`good`: n, record, raw_text, parse_error) and the rejected lines (`bad`:
 * line, position, raw_text, parse_error) to the raw table so that every row carries its record
 * number in the file: rejected rows keep their own, and the parsed rows fill the numbers in
 * between, in file order.
 */
async function insertNumbered(
  session: Session,
  insert: string,
  lineageColumns: string,
  lineageParams: string[],
  good: string,
  bad: string,
): Promise<void> {
  const placed = `(SELECT position FROM ${bad})`;
  await session.execute(
    `${insert}
SELECT ${lineageColumns}, slot.position, NULL, CAST($5 AS TIMESTAMP), g.record, g.raw_text, g.parse_error
FROM ${good} AS g
JOIN (
  SELECT range AS position, row_number() OVER (ORDER BY range) AS n
  FROM range(1, (SELECT count(*) FROM ${good}) + (SELECT count(*) FROM ${placed} AS p) + 1)
  WHERE range NOT IN ${placed}
) AS slot ON slot.n = g.n`,
    lineageParams,
  );
  await session.execute(
    `${insert}
SELECT ${lineageColumns}, position, line, CAST($5 AS TIMESTAMP), NULL, raw_text, parse_error FROM ${bad}`,
    lineageParams,
  );
}
