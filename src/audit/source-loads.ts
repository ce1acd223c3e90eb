import type { Dialect } from '../engine/types.ts';
import type { AuditConnection, AuditReader } from './values.ts';

/**
 * audit.source_loads, the sources' ledger: per run, source and load date, what was received and
 * where every record went (staged, quarantined, duplicate), and whether the counts reconcile.
 */

export interface SourceLoadTotals {
  received: number;
  staged: number;
  quarantined: number;
  duplicates: number;
}

/** One load date of a source as its staging wrote it. */
export interface SourceLoad {
  loadDate: string;
  files: number;
  counts: SourceLoadTotals;
  reconciled: boolean;
}

/** A source's totals over some runs' load dates. */
export interface SourceTotals extends SourceLoadTotals {
  source: string;
}

/** A source's newest loads over a window of dates (the newest run's row of each date). */
export interface NewestSourceTotals extends SourceTotals {
  loadDates: number;
  files: number;
  /** Every date's counts reconciled. */
  reconciled: boolean;
}

/** A source's newest load date of a run against the received counts of its previous dates. */
export interface VolumeHistory {
  source: string;
  loadDate: string;
  received: number;
  averageReceived: number;
  historyDates: number;
  historyFrom: string;
  historyTo: string;
}

/** Rows of audit.source_loads per INSERT statement (9 parameters each). */
const LOADS_PER_INSERT = 500;

/**
 * Writes a source's load dates of a run, a few hundred rows per statement; on the session of the
 * staging transaction, so the ledger and the staged rows commit together.
 */
export async function recordSourceLoads(
  db: AuditConnection,
  runId: string,
  source: string,
  loads: readonly SourceLoad[],
): Promise<void> {
  for (let start = 0; start < loads.length; start += LOADS_PER_INSERT) {
    const chunk = loads.slice(start, start + LOADS_PER_INSERT);
    const tuples = chunk.map((_, i) => {
      const p = i * 9;
      return `($${p + 1}, $${p + 2}, CAST($${p + 3} AS DATE), $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8}, $${p + 9})`;
    });
    await db.execute(
      `INSERT INTO audit.source_loads (run_id, source, load_date, files, received, staged, quarantined, duplicates, reconciled)
       VALUES ${tuples.join(', ')}`,
      chunk.flatMap(({ loadDate, files, counts, reconciled }) => [
        runId,
        source,
        loadDate,
        files,
        counts.received,
        counts.staged,
        counts.quarantined,
        counts.duplicates,
        reconciled,
      ]),
    );
  }
}

/** What each source of a run received and where it went, summed over the dates it loaded, by source. */
export async function sourceTotalsOfRun(db: AuditReader, runId: string): Promise<SourceTotals[]> {
  const { rows } = await db.query(
    `SELECT source, sum(received) AS received, sum(staged) AS staged, sum(quarantined) AS quarantined,
            sum(duplicates) AS duplicates
     FROM audit.source_loads WHERE run_id = $1 GROUP BY source ORDER BY source`,
    [runId],
  );
  return rows.map((row) => ({
    source: String(row.source),
    received: Number(row.received),
    staged: Number(row.staged),
    quarantined: Number(row.quarantined),
    duplicates: Number(row.duplicates),
  }));
}

/** The first and last load dates a run loaded of a source; null when it loaded none. */
export async function loadedDateRange(
  db: AuditReader,
  runId: string,
  source: string,
): Promise<{ from: string; to: string } | null> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT CAST(min(load_date) AS ${text}) AS date_from, CAST(max(load_date) AS ${text}) AS date_to
     FROM audit.source_loads WHERE run_id = $1 AND source = $2`,
    [runId, source],
  );
  const loaded = rows[0];
  return loaded?.date_from ? { from: String(loaded.date_from), to: String(loaded.date_to) } : null;
}

/**
 * Per source, the load dates of a window as the newest run (by start, then id) left them: how many
 * dates, files and records, and whether every date reconciled. By source.
 */
export async function newestSourceTotals(
  db: AuditReader,
  window: { from: string; to: string },
): Promise<NewestSourceTotals[]> {
  const { rows } = await db.query(
    `SELECT source, count(*) AS load_dates, sum(files) AS files, sum(received) AS received,
            sum(staged) AS staged, sum(quarantined) AS quarantined, sum(duplicates) AS duplicates,
            sum(CASE WHEN reconciled THEN 0 ELSE 1 END) AS unreconciled
     FROM (SELECT l.*, row_number() OVER (PARTITION BY l.source, l.load_date ORDER BY r.started_at DESC, l.run_id DESC) AS newest
           FROM audit.source_loads AS l JOIN audit.pipeline_runs AS r ON r.run_id = l.run_id
           WHERE l.load_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE)) AS loads
     WHERE newest = 1
     GROUP BY source ORDER BY source`,
    [window.from, window.to],
  );
  return rows.map((r) => ({
    source: String(r.source),
    loadDates: Number(r.load_dates),
    files: Number(r.files),
    received: Number(r.received),
    staged: Number(r.staged),
    quarantined: Number(r.quarantined),
    duplicates: Number(r.duplicates),
    reconciled: Number(r.unreconciled) === 0,
  }));
}

/**
 * Per source a run loaded: the received count of the newest load date it loaded, and the average
 * received over that source's previous load dates (up to `historyDates` of them). A date may have
 * been loaded by several runs (reruns, backfills); only the newest run's row for a date counts, so
 * a reload replaces a date's volume instead of weighing it twice. Sources without history return
 * no row. Window functions in subqueries rather than QUALIFY: PostgreSQL has none.
 */
export async function volumeHistory(
  db: AuditReader,
  runId: string,
  historyDates: number,
): Promise<VolumeHistory[]> {
  const { rows } = await db.query(
    `
WITH this_run AS (
  SELECT source, MAX(load_date) AS load_date
  FROM audit.source_loads
  WHERE run_id = $1
  GROUP BY source
),
current_load AS (
  SELECT l.source, l.load_date, l.received
  FROM audit.source_loads l
  JOIN this_run t ON t.source = l.source AND t.load_date = l.load_date
  WHERE l.run_id = $1
),
earlier_loads AS (
  SELECT l.source, l.load_date, l.received,
    ROW_NUMBER() OVER (
      PARTITION BY l.source, l.load_date
      ORDER BY r.started_at DESC NULLS LAST, l.run_id DESC
    ) AS newness
  FROM audit.source_loads l
  JOIN current_load c ON c.source = l.source AND l.load_date < c.load_date
  LEFT JOIN audit.pipeline_runs r ON r.run_id = l.run_id
),
history AS (
  SELECT source, load_date, received,
    ROW_NUMBER() OVER (PARTITION BY source ORDER BY load_date DESC) AS recency
  FROM earlier_loads
  WHERE newness = 1
)
SELECT c.source,
  CAST(c.load_date AS TEXT) AS load_date,
  c.received,
  CAST(AVG(h.received) AS DOUBLE PRECISION) AS average_received,
  COUNT(*) AS history_dates,
  CAST(MIN(h.load_date) AS TEXT) AS history_from,
  CAST(MAX(h.load_date) AS TEXT) AS history_to
FROM current_load c
JOIN history h ON h.source = c.source AND h.recency <= $2
GROUP BY c.source, c.load_date, c.received
ORDER BY c.source`,
    [runId, historyDates],
  );
  return rows.map((row) => ({
    source: String(row.source),
    loadDate: String(row.load_date),
    received: Number(row.received ?? 0),
    averageReceived: Number(row.average_received ?? 0),
    historyDates: Number(row.history_dates ?? 0),
    historyFrom: String(row.history_from),
    historyTo: String(row.history_to),
  }));
}

/**
 * The SQL of a check against a source's own ledger: the newest row of each load date of `source`
 * within `dates` where `failing` holds (both predicates on the ledger row `l`). The newest is the
 * latest run to start (then the greater id), as in newestSourceTotals: two runs started within
 * the same second have ids that do not sort by time. A check's SQL is shown and recorded as it
 * ran, so the source is a literal.
 */
export function newestSourceLoadsSql(d: Dialect, source: string, dates: string, failing: string): string {
  return `SELECT l.load_date, l.received, l.staged, l.quarantined, l.duplicates FROM (
  SELECT l.*, row_number() OVER (PARTITION BY l.load_date ORDER BY r.started_at DESC NULLS LAST, l.run_id DESC) AS newest
  FROM audit.source_loads AS l LEFT JOIN audit.pipeline_runs AS r ON r.run_id = l.run_id
  WHERE l.source = ${d.stringLiteral(source)} AND ${dates}
) AS l
WHERE l.newest = 1 AND ${failing}`;
}

/** A source's load date as the newest run that loaded it left it, for reconciliation. */
export interface SourceLoadByDate extends SourceLoad {
  source: string;
  /** The run whose row this is (the latest to start that loaded the date). */
  runId: string;
}

/**
 * Per source and load date, the newest run's row of the ledger (as in newestSourceTotals), by
 * source then date; `source` narrows it to one source, `newestDates` to each source's newest dates.
 */
export async function sourceLoadsByDate(
  db: AuditReader,
  source?: string,
  newestDates?: number,
): Promise<SourceLoadByDate[]> {
  const text = db.dialect.type('text');
  const integer = db.dialect.type('integer');
  const { rows } = await db.query(
    `SELECT source, CAST(load_date AS ${text}) AS load_date, run_id, files, received, staged, quarantined, duplicates, reconciled
     FROM (SELECT loads.*, row_number() OVER (PARTITION BY loads.source ORDER BY loads.load_date DESC) AS recency
           FROM (SELECT l.*, row_number() OVER (PARTITION BY l.source, l.load_date ORDER BY r.started_at DESC NULLS LAST, l.run_id DESC) AS newest
                 FROM audit.source_loads AS l LEFT JOIN audit.pipeline_runs AS r ON r.run_id = l.run_id
                 WHERE ($1::${text} IS NULL OR l.source = $1::${text})) AS loads
           WHERE loads.newest = 1) AS dated
     WHERE ($2::${integer} IS NULL OR recency <= $2::${integer})
     ORDER BY source, load_date`,
    [source ?? null, newestDates ?? null],
  );
  return rows.map((r) => ({
    source: String(r.source),
    loadDate: String(r.load_date),
    runId: String(r.run_id),
    files: Number(r.files),
    counts: {
      received: Number(r.received),
      staged: Number(r.staged),
      quarantined: Number(r.quarantined),
      duplicates: Number(r.duplicates),
    },
    reconciled: r.reconciled === true || r.reconciled === 1 || r.reconciled === 'true',
  }));
}

/**
 * Whether a source's staging reflects every file it has ingested for some load dates (`dateList`:
 * an SQL IN list of validated date literals), so that a run finding no new or changed file and
 * running the same definition has nothing to stage. Per date, the newest loaded file version must
 * have been staged: the date has a row here written by the run that ingested it, or by a run
 * started after it was ingested (runs of one warehouse never overlap). A run that died between
 * landing a file and staging it left no such row, so its date is not current. Nor is a date with a
 * current file version of `minRejected` records or more all quarantined: staging it again reports
 * the rejected file again (the task failed for it).
 */
export async function stagingIsCurrent(
  db: AuditConnection,
  source: string,
  dateList: string,
  minRejected: number,
): Promise<boolean> {
  const { rows } = await db.query(
    `WITH versions AS (
  SELECT ingestion_id, run_id, load_date, ingested_at, records,
    row_number() OVER (PARTITION BY path ORDER BY ingested_at DESC, run_id DESC) AS newest_of_path,
    row_number() OVER (PARTITION BY load_date ORDER BY ingested_at DESC, run_id DESC) AS newest_of_date
  FROM audit.ingested_files WHERE source = $1 AND status = 'loaded' AND load_date IN (${dateList})
)
SELECT
  (SELECT count(*) FROM versions AS v WHERE v.newest_of_date = 1 AND NOT EXISTS (
     SELECT 1 FROM audit.source_loads AS l LEFT JOIN audit.pipeline_runs AS r ON r.run_id = l.run_id
     WHERE l.source = $1 AND l.load_date = v.load_date AND (l.run_id = v.run_id OR r.started_at > v.ingested_at))
  ) AS stale,
  (SELECT count(*) FROM versions AS v WHERE v.newest_of_path = 1 AND v.records >= $2 AND v.records = (
     SELECT count(DISTINCT b.record_key) FROM audit.bad_records AS b
     WHERE b.source = $1 AND b.ingestion_id = v.ingestion_id AND b.resolved_run_id IS NULL)
  ) AS rejected`,
    [source, minRejected],
  );
  return Number(rows[0]?.stale ?? 1) === 0 && Number(rows[0]?.rejected ?? 1) === 0;
}

/**
 * Whether any source ever loaded (or tried to load) a date of the window: a file recorded in
 * audit.ingested_files or a date staged in audit.source_loads. An open end is unbounded.
 */
export async function anyLoadIn(db: AuditReader, window: { from?: string; to?: string }): Promise<boolean> {
  const params: string[] = [];
  const bounds = (column: string) =>
    [
      ...(window.from ? [`${column} >= CAST($${params.push(window.from)} AS DATE)`] : []),
      ...(window.to ? [`${column} <= CAST($${params.push(window.to)} AS DATE)`] : []),
    ].join(' AND ') || 'TRUE';
  // Both tables name the date load_date: one condition, its parameters numbered once, serves both.
  const inWindow = bounds('load_date');
  const { rows } = await db.query(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM audit.ingested_files WHERE ${inWindow})
                   OR EXISTS (SELECT 1 FROM audit.source_loads WHERE ${inWindow}) THEN 1 ELSE 0 END AS loaded`,
    params,
  );
  return Number(rows[0]?.loaded) === 1;
}
