import type { Dialect } from '../engine/types.ts';

export const AUDIT_SCHEMA = 'audit';

/** interrupted: stopped by SIGINT/SIGTERM (or an aborted signal), recorded before the process ended. */
export const RUN_STATUSES = ['running', 'success', 'failed', 'abandoned', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** interrupted: the attempt was cancelled and rolled back because its run was interrupted. */
export const TASK_STATUSES = ['running', 'success', 'failed', 'skipped', 'interrupted'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A backfill, and each of its chunks (pending: not reached yet). */
export const BACKFILL_STATUSES = ['running', 'success', 'failed', 'interrupted'] as const;
export type BackfillStatus = (typeof BACKFILL_STATUSES)[number];
export const BACKFILL_CHUNK_STATUSES = ['pending', 'running', 'success', 'failed', 'interrupted'] as const;
export type BackfillChunkStatus = (typeof BACKFILL_CHUNK_STATUSES)[number];

// The statuses version 1 allowed, as it created its tables (migrations are never edited).
const V1_RUN_STATUSES = ['running', 'success', 'failed', 'abandoned'];
const V1_TASK_STATUSES = ['running', 'success', 'failed', 'skipped'];

/** pass; fail (above threshold, severity error); warn (above threshold, severity warn); error (could not run). */
export const CHECK_STATUSES = ['pass', 'fail', 'warn', 'error'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** A scheduled load date in audit.schedule_dates: queued after a fire, running, and how it ended. */
export const SCHEDULE_DATE_STATUSES = ['queued', 'running', 'success', 'failed', 'interrupted'] as const;
export type ScheduleDateStatus = (typeof SCHEDULE_DATE_STATUSES)[number];

export const ALERT_DELIVERIES = ['logged', 'delivered', 'failed'] as const;
export type AlertDelivery = (typeof ALERT_DELIVERIES)[number];

/** audit.pipeline_runs' columns before version 8, copied over by it. */
const V1_RUN_COLUMNS = `run_id, trigger, command, date_from, date_to, selection, full_refresh, resumed_from, status,
  started_at, finished_at, duration_ms, tasks_total, tasks_succeeded, tasks_failed, tasks_skipped, rows_by_layer,
  error_code, error_message, strata_version, engine`;

/** audit.task_runs' columns before version 8, copied over by it. */
const V1_TASK_COLUMNS = `run_id, task_id, task_kind, target, materialization, attempt, status, started_at, finished_at,
  duration_ms, rows_in, rows_out, rows_inserted, rows_updated, rows_deleted, error_code, error_message, error_cause,
  error_hint, error_sql`;

/**
 * The audit tables, as numbered migrations: a warehouse records which it has applied, and later
 * versions of strata append migrations (never edit old ones) to add tables and columns.
 */
export function auditMigrations(d: Dialect): { version: number; statements: string[] }[] {
  const t = (type: Parameters<Dialect['type']>[0]) => d.type(type);
  const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
  return [
    {
      version: 1,
      statements: [
        `CREATE TABLE IF NOT EXISTS audit.pipeline_runs (
  run_id ${t('text')} PRIMARY KEY,
  trigger ${t('text')} NOT NULL,
  command ${t('text')} NOT NULL,
  date_from ${t('date')},
  date_to ${t('date')},
  selection ${t('text')},
  full_refresh ${t('boolean')} NOT NULL,
  resumed_from ${t('text')},
  status ${t('text')} NOT NULL CHECK (status IN (${inList(V1_RUN_STATUSES)})),
  started_at ${t('timestamp')} NOT NULL,
  finished_at ${t('timestamp')},
  duration_ms ${t('bigint')},
  tasks_total ${t('integer')},
  tasks_succeeded ${t('integer')},
  tasks_failed ${t('integer')},
  tasks_skipped ${t('integer')},
  rows_by_layer ${t('json')},
  error_code ${t('text')},
  error_message ${t('text')},
  strata_version ${t('text')} NOT NULL,
  engine ${t('text')} NOT NULL
)`,
        `CREATE TABLE IF NOT EXISTS audit.task_runs (
  run_id ${t('text')} NOT NULL,
  task_id ${t('text')} NOT NULL,
  task_kind ${t('text')} NOT NULL,
  target ${t('text')},
  materialization ${t('text')},
  attempt ${t('integer')} NOT NULL,
  status ${t('text')} NOT NULL CHECK (status IN (${inList(V1_TASK_STATUSES)})),
  started_at ${t('timestamp')} NOT NULL,
  finished_at ${t('timestamp')},
  duration_ms ${t('bigint')},
  rows_in ${t('bigint')},
  rows_out ${t('bigint')},
  rows_inserted ${t('bigint')},
  rows_updated ${t('bigint')},
  rows_deleted ${t('bigint')},
  error_code ${t('text')},
  error_message ${t('text')},
  error_cause ${t('text')},
  error_hint ${t('text')},
  error_sql ${t('text')},
  PRIMARY KEY (run_id, task_id, attempt)
)`,
      ],
    },
    {
      version: 2,
      statements: [
        `CREATE TABLE IF NOT EXISTS audit.ingested_files (
  ingestion_id ${t('text')} NOT NULL,
  run_id ${t('text')} NOT NULL,
  source ${t('text')} NOT NULL,
  path ${t('text')} NOT NULL,
  checksum ${t('text')} NOT NULL,
  size_bytes ${t('bigint')} NOT NULL,
  load_date ${t('date')} NOT NULL,
  records ${t('bigint')},
  malformed ${t('bigint')},
  status ${t('text')} NOT NULL CHECK (status IN ('loaded', 'failed')),
  change ${t('text')} NOT NULL CHECK (change IN ('new', 'changed', 'restored')),
  ingested_at ${t('timestamp')} NOT NULL,
  error_code ${t('text')},
  error_message ${t('text')},
  unknown_fields ${t('text')},
  missing_fields ${t('text')},
  PRIMARY KEY (ingestion_id, run_id)
)`,
        `CREATE TABLE IF NOT EXISTS audit.bad_records (
  source ${t('text')} NOT NULL,
  load_date ${t('date')} NOT NULL,
  ingestion_id ${t('text')} NOT NULL,
  record_key ${t('text')} NOT NULL,
  source_file ${t('text')} NOT NULL,
  record_position ${t('bigint')},
  source_line ${t('bigint')},
  field ${t('text')} NOT NULL,
  reason_code ${t('text')} NOT NULL,
  message ${t('text')} NOT NULL,
  raw_record ${t('text')},
  run_id ${t('text')} NOT NULL,
  found_at ${t('timestamp')} NOT NULL,
  resolved_run_id ${t('text')},
  PRIMARY KEY (record_key, field, reason_code)
)`,
        `CREATE TABLE IF NOT EXISTS audit.source_loads (
  run_id ${t('text')} NOT NULL,
  source ${t('text')} NOT NULL,
  load_date ${t('date')} NOT NULL,
  files ${t('integer')} NOT NULL,
  received ${t('bigint')} NOT NULL,
  staged ${t('bigint')} NOT NULL,
  quarantined ${t('bigint')} NOT NULL,
  duplicates ${t('bigint')} NOT NULL,
  reconciled ${t('boolean')} NOT NULL,
  PRIMARY KEY (run_id, source, load_date)
)`,
      ],
    },
    {
      version: 3,
      statements: [
        // One row per check per run: history is appended, never overwritten.
        `CREATE TABLE IF NOT EXISTS audit.dq_results (
  run_id ${t('text')} NOT NULL,
  check_id ${t('text')} NOT NULL,
  check_type ${t('text')} NOT NULL,
  target ${t('text')} NOT NULL,
  target_table ${t('text')} NOT NULL,
  column_name ${t('text')},
  date_from ${t('date')},
  date_to ${t('date')},
  severity ${t('text')} NOT NULL CHECK (severity IN ('error', 'warn')),
  status ${t('text')} NOT NULL CHECK (status IN (${inList(CHECK_STATUSES)})),
  failing_rows ${t('bigint')},
  checked_rows ${t('bigint')},
  threshold ${t('text')},
  sample ${t('json')},
  check_sql ${t('text')} NOT NULL,
  message ${t('text')},
  started_at ${t('timestamp')} NOT NULL,
  duration_ms ${t('bigint')} NOT NULL,
  PRIMARY KEY (run_id, check_id)
)`,
        `CREATE TABLE IF NOT EXISTS audit.daily_metrics (
  run_id ${t('text')} PRIMARY KEY,
  metric_date ${t('date')} NOT NULL,
  command ${t('text')} NOT NULL,
  status ${t('text')} NOT NULL,
  runtime_ms ${t('bigint')} NOT NULL,
  tasks_failed ${t('integer')} NOT NULL,
  tasks_skipped ${t('integer')} NOT NULL,
  rows_by_layer ${t('json')} NOT NULL,
  rows_by_source ${t('json')} NOT NULL,
  received ${t('bigint')} NOT NULL,
  staged ${t('bigint')} NOT NULL,
  quarantined ${t('bigint')} NOT NULL,
  duplicates ${t('bigint')} NOT NULL,
  checks_run ${t('integer')} NOT NULL,
  checks_failed ${t('integer')} NOT NULL,
  checks_warned ${t('integer')} NOT NULL,
  recorded_at ${t('timestamp')} NOT NULL
)`,
        `CREATE TABLE IF NOT EXISTS audit.alerts (
  run_id ${t('text')} NOT NULL,
  rule ${t('text')} NOT NULL,
  subject ${t('text')} NOT NULL,
  message ${t('text')} NOT NULL,
  raised_at ${t('timestamp')} NOT NULL,
  delivery ${t('text')} NOT NULL CHECK (delivery IN (${inList(ALERT_DELIVERIES)})),
  attempts ${t('integer')} NOT NULL,
  delivery_error ${t('text')},
  PRIMARY KEY (run_id, rule, subject)
)`,
      ],
    },
    {
      version: 4,
      statements: [
        // A CSV record whose line holds no quote is stored as its fields only (raw_text null): its
        // line is those raw columns, in this order (a JSON array), joined by this delimiter.
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS line_columns ${t('text')}`,
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS line_delimiter ${t('text')}`,
      ],
    },
    {
      version: 5,
      statements: [
        // A CSV record is stored as its line: staging cuts it in the file's dialect (line_delimiter,
        // csv_quote, csv_escape) and finds a field by its place in this header (a JSON array of the
        // header's fields in file order). line_columns (version 4) belonged to a layout that
        // stored fields as columns; it is no longer written.
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS csv_header ${t('text')}`,
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS csv_quote ${t('text')}`,
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS csv_escape ${t('text')}`,
      ],
    },
    {
      version: 6,
      statements: [
        // How many values of the file's staged records were rounded to their field's scale (decimal
        // fields with `round: true`), as of the last staging of its date; null when the contract
        // rounds no field (a value that would lose digits is then quarantined instead).
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS rounded_values ${t('bigint')}`,
      ],
    },
    {
      version: 7,
      statements: [
        // What a loaded file should make someone look (SOURCE_FILE_EMPTY: it is empty, or holds a
        // header and no record); null when nothing. A failed file has error_code instead.
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS warning_code ${t('text')}`,
        `ALTER TABLE audit.ingested_files ADD COLUMN IF NOT EXISTS warning_message ${t('text')}`,
      ],
    },
    {
      version: 8,
      statements: [
        // Runs and task attempts may end `interrupted` (SIGINT/SIGTERM). A CHECK constraint cannot
        // be changed in place on every engine, so both tables are copied into new ones with the
        // wider lists, which take their names. A run also records the process running it (pid,
        // host): a `running` run whose process is gone on this host is shown interrupted at once.
        `CREATE TABLE audit.pipeline_runs_v8 (
  run_id ${t('text')} PRIMARY KEY,
  trigger ${t('text')} NOT NULL,
  command ${t('text')} NOT NULL,
  date_from ${t('date')},
  date_to ${t('date')},
  selection ${t('text')},
  full_refresh ${t('boolean')} NOT NULL,
  resumed_from ${t('text')},
  status ${t('text')} NOT NULL CHECK (status IN (${inList(RUN_STATUSES)})),
  started_at ${t('timestamp')} NOT NULL,
  finished_at ${t('timestamp')},
  duration_ms ${t('bigint')},
  tasks_total ${t('integer')},
  tasks_succeeded ${t('integer')},
  tasks_failed ${t('integer')},
  tasks_skipped ${t('integer')},
  rows_by_layer ${t('json')},
  error_code ${t('text')},
  error_message ${t('text')},
  strata_version ${t('text')} NOT NULL,
  engine ${t('text')} NOT NULL,
  pid ${t('integer')},
  host ${t('text')}
)`,
        `INSERT INTO audit.pipeline_runs_v8 (${V1_RUN_COLUMNS}) SELECT ${V1_RUN_COLUMNS} FROM audit.pipeline_runs`,
        'DROP TABLE audit.pipeline_runs',
        'ALTER TABLE audit.pipeline_runs_v8 RENAME TO pipeline_runs',
        `CREATE TABLE audit.task_runs_v8 (
  run_id ${t('text')} NOT NULL,
  task_id ${t('text')} NOT NULL,
  task_kind ${t('text')} NOT NULL,
  target ${t('text')},
  materialization ${t('text')},
  attempt ${t('integer')} NOT NULL,
  status ${t('text')} NOT NULL CHECK (status IN (${inList(TASK_STATUSES)})),
  started_at ${t('timestamp')} NOT NULL,
  finished_at ${t('timestamp')},
  duration_ms ${t('bigint')},
  rows_in ${t('bigint')},
  rows_out ${t('bigint')},
  rows_inserted ${t('bigint')},
  rows_updated ${t('bigint')},
  rows_deleted ${t('bigint')},
  error_code ${t('text')},
  error_message ${t('text')},
  error_cause ${t('text')},
  error_hint ${t('text')},
  error_sql ${t('text')},
  PRIMARY KEY (run_id, task_id, attempt)
)`,
        `INSERT INTO audit.task_runs_v8 (${V1_TASK_COLUMNS}) SELECT ${V1_TASK_COLUMNS} FROM audit.task_runs`,
        'DROP TABLE audit.task_runs',
        'ALTER TABLE audit.task_runs_v8 RENAME TO task_runs',
        // `strata backfill`: a date range run as chunks in date order, resumable (`--resume`).
        `CREATE TABLE IF NOT EXISTS audit.backfills (
  backfill_id ${t('text')} PRIMARY KEY,
  date_from ${t('date')} NOT NULL,
  date_to ${t('date')} NOT NULL,
  chunk_days ${t('integer')} NOT NULL,
  selection ${t('text')},
  status ${t('text')} NOT NULL CHECK (status IN (${inList(BACKFILL_STATUSES)})),
  chunks_total ${t('integer')} NOT NULL,
  started_at ${t('timestamp')} NOT NULL,
  updated_at ${t('timestamp')} NOT NULL,
  finished_at ${t('timestamp')},
  pid ${t('integer')},
  host ${t('text')},
  error_code ${t('text')},
  error_message ${t('text')}
)`,
        `CREATE TABLE IF NOT EXISTS audit.backfill_chunks (
  backfill_id ${t('text')} NOT NULL,
  chunk ${t('integer')} NOT NULL,
  date_from ${t('date')} NOT NULL,
  date_to ${t('date')} NOT NULL,
  status ${t('text')} NOT NULL CHECK (status IN (${inList(BACKFILL_CHUNK_STATUSES)})),
  run_id ${t('text')},
  started_at ${t('timestamp')},
  finished_at ${t('timestamp')},
  error_code ${t('text')},
  error_message ${t('text')},
  PRIMARY KEY (backfill_id, chunk)
)`,
      ],
    },
    {
      version: 9,
      statements: [
        // The schedules a scheduler has seen: first_seen_at starts their catch-up window (a new
        // schedule does not backfill history); cron and timezone as last seen.
        `CREATE TABLE IF NOT EXISTS audit.schedules (
  name ${t('text')} PRIMARY KEY,
  cron ${t('text')} NOT NULL,
  timezone ${t('text')} NOT NULL,
  first_seen_at ${t('timestamp')} NOT NULL
)`,
        // The ledger of scheduled load dates: one row per (schedule, load date), upserted as it is
        // queued, run and finished (attempts counts the runs), so it grows by one row per date.
        `CREATE TABLE IF NOT EXISTS audit.schedule_dates (
  schedule ${t('text')} NOT NULL,
  load_date ${t('date')} NOT NULL,
  status ${t('text')} NOT NULL CHECK (status IN (${inList(SCHEDULE_DATE_STATUSES)})),
  run_id ${t('text')},
  attempts ${t('integer')} NOT NULL,
  fired_at ${t('timestamp')},
  started_at ${t('timestamp')},
  finished_at ${t('timestamp')},
  error_message ${t('text')},
  PRIMARY KEY (schedule, load_date)
)`,
      ],
    },
    {
      version: 10,
      statements: [
        // What a build attempt was built from (a model's header and SQL, a source's config and
        // contract, a seed's file), and whether it changed its table's data (false: the task found
        // nothing to change, or wrote no row). A later run skips a node whose definition and
        // inputs did not change since a build that covered its dates (TASK_UNCHANGED).
        `ALTER TABLE audit.task_runs ADD COLUMN IF NOT EXISTS definition_hash ${t('text')}`,
        `ALTER TABLE audit.task_runs ADD COLUMN IF NOT EXISTS data_changed ${t('boolean')}`,
      ],
    },
  ];
}
