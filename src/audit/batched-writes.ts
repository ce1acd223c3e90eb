import type { Dialect, LogicalType, SqlValue, Statement } from '../engine/types.ts';

/**
 * The recorder's writes, and how a batch of them becomes few statements. Writes of one kind say
 * how they join others: an attempt's row, an attempt's end, a check's row; any other write is a
 * statement of its own. A batch then writes every new attempt row in one INSERT (an attempt that
 * started and ended within the batch as the row it ends with: nobody could have seen it running),
 * the ends of attempts started in an earlier batch in one UPDATE, and the check rows in one INSERT
 * — instead of one statement per row. A write alone (what a failed batch falls back to, one write
 * at a time) is the same statement with one row (`writeAlone`), so the two cannot drift apart.
 */

/** One queued write: a statement of its own, or a row (or an end) that merges with others of its kind. */
export type AuditWrite = StatementWrite | TaskRowWrite | TaskEndWrite | CheckRowWrite;

interface StatementWrite {
  kind: 'statement';
  sql: string;
  params: SqlValue[];
}

interface TaskRowWrite {
  kind: 'task_row';
  key: string;
  row: Record<TaskColumn, SqlValue>;
}

interface TaskEndWrite {
  kind: 'task_end';
  key: string;
  end: Record<TaskEndColumn, SqlValue>;
  /** run_id, task_id, attempt: the row it ends. */
  identity: [SqlValue, SqlValue, SqlValue];
}

interface CheckRowWrite {
  kind: 'check_row';
  values: SqlValue[];
}

/** audit.task_runs' columns an attempt writes, with their types (rows_in is never written). */
const TASK_COLUMNS = {
  run_id: 'text',
  task_id: 'text',
  task_kind: 'text',
  target: 'text',
  materialization: 'text',
  attempt: 'integer',
  status: 'text',
  started_at: 'timestamp',
  finished_at: 'timestamp',
  duration_ms: 'bigint',
  rows_out: 'bigint',
  rows_inserted: 'bigint',
  rows_updated: 'bigint',
  rows_deleted: 'bigint',
  error_code: 'text',
  error_message: 'text',
  error_cause: 'text',
  error_hint: 'text',
  error_sql: 'text',
  definition_hash: 'text',
  data_changed: 'boolean',
} as const satisfies Record<string, LogicalType>;

export type TaskColumn = keyof typeof TASK_COLUMNS;

/** What an attempt's end sets. */
export const TASK_END_COLUMNS = [
  'status',
  'finished_at',
  'duration_ms',
  'rows_out',
  'rows_inserted',
  'rows_updated',
  'rows_deleted',
  'error_code',
  'error_message',
  'error_cause',
  'error_hint',
  'error_sql',
  'data_changed',
] as const satisfies readonly TaskColumn[];

export type TaskEndColumn = (typeof TASK_END_COLUMNS)[number];

/** audit.dq_results' columns in the order a check row's values come, with their types. */
const CHECK_COLUMNS = [
  ['run_id', 'text'],
  ['check_id', 'text'],
  ['check_type', 'text'],
  ['target', 'text'],
  ['target_table', 'text'],
  ['column_name', 'text'],
  ['date_from', 'date'],
  ['date_to', 'date'],
  ['severity', 'text'],
  ['status', 'text'],
  ['failing_rows', 'bigint'],
  ['checked_rows', 'bigint'],
  ['threshold', 'text'],
  ['sample', 'json'],
  ['check_sql', 'text'],
  ['message', 'text'],
  ['started_at', 'timestamp'],
  ['duration_ms', 'bigint'],
] as const satisfies readonly (readonly [string, LogicalType])[];

/** The key of an attempt's row. */
export function attemptKey(runId: SqlValue, taskId: SqlValue, attempt: SqlValue): string {
  return JSON.stringify([runId, taskId, attempt]);
}

/** A row of audit.task_runs with every column but those given null. */
export function taskRow(values: Partial<Record<TaskColumn, SqlValue>>): Record<TaskColumn, SqlValue> {
  const row = {} as Record<TaskColumn, SqlValue>;
  for (const column of Object.keys(TASK_COLUMNS) as TaskColumn[]) row[column] = values[column] ?? null;
  return row;
}

/** Rows a multi-row statement takes at most (PostgreSQL allows 65,535 parameters a statement). */
const ROWS_PER_STATEMENT = 500;

/** The statements that write a batch: few where the writes merge, each write's own otherwise. */
export function batchStatements(dialect: Dialect, writes: readonly AuditWrite[]): Statement[] {
  const rows = new Map<string, Record<TaskColumn, SqlValue>>();
  const ends: TaskEndWrite[] = [];
  const checks: SqlValue[][] = [];
  const others: Statement[] = [];
  for (const write of writes) {
    if (write.kind === 'task_row') rows.set(write.key, { ...write.row });
    else if (write.kind === 'task_end') {
      const row = rows.get(write.key);
      if (row) Object.assign(row, write.end);
      else ends.push(write);
    } else if (write.kind === 'check_row') checks.push(write.values);
    else others.push({ sql: write.sql, params: write.params });
  }
  return [
    ...chunks([...rows.values()]).map((chunk) => insertTaskRows(dialect, chunk)),
    ...others,
    ...chunks(ends).map((chunk) => updateEnds(dialect, chunk)),
    ...chunks(checks).map((chunk) => insertCheckRows(dialect, chunk)),
  ];
}

/** One write as a statement alone: a batch's statement with its one row. */
export function writeAlone(dialect: Dialect, write: AuditWrite): Statement {
  switch (write.kind) {
    case 'statement':
      return { sql: write.sql, params: write.params };
    case 'task_row':
      return insertTaskRows(dialect, [write.row]);
    case 'task_end':
      return updateEnds(dialect, [write]);
    case 'check_row':
      return insertCheckRows(dialect, [write.values]);
  }
}

const TASK_COLUMN_TYPES = Object.entries(TASK_COLUMNS) as [TaskColumn, LogicalType][];

function insertTaskRows(dialect: Dialect, rows: readonly Record<TaskColumn, SqlValue>[]): Statement {
  return insertRows(
    dialect,
    'audit.task_runs',
    TASK_COLUMN_TYPES,
    rows.map((row) => TASK_COLUMN_TYPES.map(([column]) => row[column])),
  );
}

function insertCheckRows(dialect: Dialect, rows: readonly (readonly SqlValue[])[]): Statement {
  return insertRows(dialect, 'audit.dq_results', CHECK_COLUMNS, rows);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

/** Every value as a typed parameter: a VALUES list types its columns from them on both engines. */
function typedValues(
  dialect: Dialect,
  types: readonly LogicalType[],
  rows: readonly (readonly SqlValue[])[],
  params: SqlValue[],
): string {
  return rows
    .map((row) => {
      const cells = row.map((value, i) => {
        params.push(value);
        return `CAST($${params.length} AS ${dialect.type(types[i] ?? 'text')})`;
      });
      return `(${cells.join(', ')})`;
    })
    .join(',\n');
}

/** One INSERT of rows (as many as the caller passes), every value a typed parameter. */
export function insertRows(
  dialect: Dialect,
  table: string,
  columns: readonly (readonly [string, LogicalType])[],
  rows: readonly (readonly SqlValue[])[],
): Statement {
  const params: SqlValue[] = [];
  const values = typedValues(
    dialect,
    columns.map(([, type]) => type),
    rows,
    params,
  );
  return { sql: `INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')})\nVALUES ${values}`, params };
}

/** The ends of attempts whose rows an earlier batch wrote, in one UPDATE ... FROM (VALUES ...). */
function updateEnds(dialect: Dialect, ends: readonly TaskEndWrite[]): Statement {
  if (ends.length === 1) {
    const [only] = ends as [TaskEndWrite];
    const params: SqlValue[] = [...only.identity, ...TASK_END_COLUMNS.map((c) => only.end[c])];
    const set = TASK_END_COLUMNS.map(
      (c, i) => `${c} = CAST($${i + 4} AS ${dialect.type(TASK_COLUMNS[c])})`,
    ).join(', ');
    return {
      sql: `UPDATE audit.task_runs SET ${set} WHERE run_id = $1 AND task_id = $2 AND attempt = $3`,
      params,
    };
  }
  const columns = ['run_id', 'task_id', 'attempt', ...TASK_END_COLUMNS] as const;
  const params: SqlValue[] = [];
  const values = typedValues(
    dialect,
    columns.map((c) => TASK_COLUMNS[c]),
    ends.map((e) => [...e.identity, ...TASK_END_COLUMNS.map((c) => e.end[c])]),
    params,
  );
  return {
    sql: `UPDATE audit.task_runs SET ${TASK_END_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')}
FROM (VALUES ${values}) AS v (${columns.join(', ')})
WHERE audit.task_runs.run_id = v.run_id AND audit.task_runs.task_id = v.task_id AND audit.task_runs.attempt = v.attempt`,
    params,
  };
}
