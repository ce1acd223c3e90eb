import type { CheckResult } from './check-result.ts';
import type { Engine, SqlValue, Statement } from '../engine/types.ts';
import {
  type AuditWrite,
  type TaskColumn,
  type TaskEndColumn,
  attemptKey,
  batchStatements,
  taskRow,
  writeAlone,
} from './batched-writes.ts';
import { TASK_UNCHANGED } from '../errors/codes.ts';
import { type StrataError, causeMessage } from '../errors/strata-error.ts';
import { AUDIT_SCHEMA, type RunStatus, type TaskStatus, auditMigrations } from './schema.ts';
import { sqlTimestamp } from '../time/timestamps.ts';

/**
 * How long the writes of a batch are gathered before it is written (after the batch before it).
 * Writes arriving together become one transaction and a few statements instead of a commit each,
 * and commits are what an embedded engine serialises with the run's tasks; a started task still
 * shows `running` within this delay plus a batch's time.
 */
const BATCH_DELAY_MS = 100;

/** An attempt's row: the columns that say which attempt it is and what it was built from, and those given. */
function attemptRow(task: TaskAttemptRecord, columns: Partial<Record<TaskColumn, SqlValue>>): AuditWrite {
  return {
    kind: 'task_row',
    key: attemptKey(task.runId, task.taskId, task.attempt),
    row: taskRow({
      run_id: task.runId,
      task_id: task.taskId,
      task_kind: task.taskKind,
      target: task.target ?? null,
      materialization: task.materialization ?? null,
      attempt: task.attempt,
      started_at: sqlTimestamp(task.startedAt),
      definition_hash: task.definitionHash ?? null,
      ...columns,
    }),
  };
}

/**
 * Creates the audit schema and applies the migrations this warehouse has not seen yet. Every
 * command that opens a warehouse asks, so an up-to-date one is answered by one query: the newest
 * version applied (a warehouse without the table fails that query and is set up below).
 */
export async function ensureAuditSchema(engine: Engine): Promise<void> {
  const d = engine.dialect;
  const migrations = auditMigrations(d);
  const latest = Math.max(...migrations.map((m) => m.version));
  const applied = await engine
    .query('SELECT max(version) AS version FROM audit.schema_migrations')
    .then(({ rows }) => Number(rows[0]?.version ?? 0))
    .catch(() => 0);
  if (applied >= latest) return;
  await engine.withSession(async (session) => {
    await session.execute(`CREATE SCHEMA IF NOT EXISTS ${AUDIT_SCHEMA}`);
    await session.execute(
      `CREATE TABLE IF NOT EXISTS audit.schema_migrations (version ${d.type('integer')} PRIMARY KEY, applied_at ${d.type('timestamp')} NOT NULL)`,
    );
    const { rows } = await session.query('SELECT version FROM audit.schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await session.transaction(async (tx) => {
        for (const statement of migration.statements) await tx.execute(statement);
        await tx.execute(
          'INSERT INTO audit.schema_migrations (version, applied_at) VALUES ($1, CAST($2 AS TIMESTAMP))',
          [migration.version, sqlTimestamp(new Date())],
        );
      });
    }
  });
}

export interface RunRecord {
  runId: string;
  trigger: string;
  command: string;
  dateFrom?: string;
  dateTo?: string;
  selection: string[];
  fullRefresh: boolean;
  resumedFrom?: string;
  startedAt: Date;
  strataVersion: string;
  engine: string;
  /** The process running it and its host: a `running` run whose process is gone is shown interrupted. */
  pid?: number;
  host?: string;
}

export interface RunOutcome {
  status: RunStatus;
  finishedAt: Date;
  tasksTotal: number;
  tasksSucceeded: number;
  tasksFailed: number;
  tasksSkipped: number;
  rowsByLayer: Record<string, number>;
  error?: StrataError;
}

export interface TaskAttemptRecord {
  runId: string;
  taskId: string;
  taskKind: string;
  target?: string;
  materialization?: string;
  attempt: number;
  startedAt: Date;
  /** What the node was built from (its definition's hash): a later run compares it to skip the node. */
  definitionHash?: string;
}

export interface TaskAttemptOutcome {
  status: TaskStatus;
  finishedAt: Date;
  rowsOut?: number;
  rowsInserted?: number;
  rowsUpdated?: number;
  rowsDeleted?: number;
  error?: StrataError;
  /**
   * What a successful attempt warns about (a source with no file in the run's dates): kept in the
   * attempt's error columns, so `strata runs --run` shows it on a row whose status is success.
   */
  warning?: StrataError;
  /**
   * Whether the attempt changed its table's data (false: it found nothing to change or wrote no
   * row); unset when not known, which a later run reads as changed.
   */
  dataChanged?: boolean;
}

/**
 * Writes run and task history. Writes are serialised through one queue so concurrent tasks never
 * contend on the audit tables, and an audit write never fails a task: errors are kept and surfaced
 * by `flush()`. The writes that queue up while one is running (or within BATCH_DELAY_MS) are
 * written together, in one transaction on one session, as few statements (`batched-writes.ts`:
 * one INSERT of attempt rows, one UPDATE of attempt ends, one INSERT of check rows); a batch
 * that fails is written again statement by statement, so one bad row loses only itself. Callers
 * need not wait for a task's write: the queue keeps them in order (an attempt's start before its
 * end), and it is drained one batch after another, so a started task shows `running` within the
 * delay and a batch's time. A run's start and end, which the run waits for, are written at once.
 */
/** What a recorder wrote: writes queued, the batches and statements they went as, and the time spent. */
export interface AuditWriteStats {
  writes: number;
  batches: number;
  statements: number;
  ms: number;
}

export class AuditRecorder {
  private queue: Promise<void> = Promise.resolve();
  private readonly writeStats: AuditWriteStats = { writes: 0, batches: 0, statements: 0, ms: 0 };
  private pending: AuditWrite[] = [];
  /** Starts the batch being gathered without waiting out its delay. */
  private writeNow: () => void = () => undefined;
  private failure: unknown;

  constructor(private readonly engine: Engine) {}

  /** Runs left 'running' by a process that died are marked abandoned (we hold the run lock). */
  async markAbandonedRuns(now: Date): Promise<number> {
    const result = await this.engine.execute(
      `UPDATE audit.pipeline_runs SET status = 'abandoned', finished_at = CAST($1 AS TIMESTAMP),
         error_code = 'RUN_ABANDONED', error_message = 'the process running it stopped before it finished'
       WHERE status = 'running'`,
      [sqlTimestamp(now)],
    );
    await this.engine.execute(
      `UPDATE audit.task_runs SET status = 'failed', finished_at = CAST($1 AS TIMESTAMP),
         error_code = 'RUN_ABANDONED', error_message = 'the process running it stopped before it finished'
       WHERE status = 'running'`,
      [sqlTimestamp(now)],
    );
    return result.rowsAffected;
  }

  runStarted(run: RunRecord): Promise<void> {
    return this.writeAtOnce(
      `INSERT INTO audit.pipeline_runs (run_id, trigger, command, date_from, date_to, selection, full_refresh,
         resumed_from, status, started_at, strata_version, engine, pid, host)
       VALUES ($1, $2, $3, CAST($4 AS DATE), CAST($5 AS DATE), $6, $7, $8, 'running', CAST($9 AS TIMESTAMP), $10, $11,
         $12, $13)`,
      [
        run.runId,
        run.trigger,
        run.command,
        run.dateFrom ?? null,
        run.dateTo ?? null,
        JSON.stringify(run.selection),
        run.fullRefresh,
        run.resumedFrom ?? null,
        sqlTimestamp(run.startedAt),
        run.strataVersion,
        run.engine,
        run.pid ?? null,
        run.host ?? null,
      ],
    );
  }

  runFinished(runId: string, startedAt: Date, outcome: RunOutcome): Promise<void> {
    return this.writeAtOnce(
      `UPDATE audit.pipeline_runs SET status = $2, finished_at = CAST($3 AS TIMESTAMP), duration_ms = $4,
         tasks_total = $5, tasks_succeeded = $6, tasks_failed = $7, tasks_skipped = $8,
         rows_by_layer = CAST($9 AS ${this.engine.dialect.type('json')}), error_code = $10, error_message = $11
       WHERE run_id = $1`,
      [
        runId,
        outcome.status,
        sqlTimestamp(outcome.finishedAt),
        outcome.finishedAt.getTime() - startedAt.getTime(),
        outcome.tasksTotal,
        outcome.tasksSucceeded,
        outcome.tasksFailed,
        outcome.tasksSkipped,
        JSON.stringify(outcome.rowsByLayer),
        outcome.error?.code ?? null,
        outcome.error?.message ?? null,
      ],
    );
  }

  taskStarted(task: TaskAttemptRecord): Promise<void> {
    return this.write(attemptRow(task, { status: 'running' }));
  }

  taskFinished(task: TaskAttemptRecord, outcome: TaskAttemptOutcome): Promise<void> {
    const error = outcome.error ?? outcome.warning;
    const end: Record<TaskEndColumn, SqlValue> = {
      status: outcome.status,
      finished_at: sqlTimestamp(outcome.finishedAt),
      duration_ms: outcome.finishedAt.getTime() - task.startedAt.getTime(),
      rows_out: outcome.rowsOut ?? null,
      rows_inserted: outcome.rowsInserted ?? null,
      rows_updated: outcome.rowsUpdated ?? null,
      rows_deleted: outcome.rowsDeleted ?? null,
      error_code: error?.code ?? null,
      error_message: error?.message ?? null,
      error_cause: causeMessage(error?.cause) ?? null,
      error_hint: error?.hint ?? null,
      error_sql: error?.sql ?? null,
      data_changed: outcome.dataChanged ?? null,
    };
    return this.write({
      kind: 'task_end',
      key: attemptKey(task.runId, task.taskId, task.attempt),
      end,
      identity: [task.runId, task.taskId, task.attempt],
    });
  }

  /**
   * A task that never started: something upstream failed (or the run was interrupted), or its
   * inputs did not change (TASK_UNCHANGED, recorded with its definition's hash and data_changed
   * false, so the run after it still finds what the node was built from).
   */
  taskSkipped(task: TaskAttemptRecord, reason: StrataError): Promise<void> {
    const unchanged = reason.code === TASK_UNCHANGED;
    const startedAt = sqlTimestamp(task.startedAt);
    return this.write(
      attemptRow(task, {
        status: 'skipped',
        finished_at: startedAt,
        duration_ms: 0,
        error_code: reason.code,
        error_message: reason.message,
        error_hint: reason.hint ?? null,
        data_changed: unchanged ? false : null,
      }),
    );
  }

  /** One check's outcome, with its failing-row count, a sample and the SQL that found them. */
  checkResult(runId: string, result: CheckResult): Promise<void> {
    const scope: { from?: string; to?: string } = result.scope.kind === 'dates' ? result.scope : {};
    return this.write({
      kind: 'check_row',
      values: [
        runId,
        result.checkId,
        result.type,
        result.target,
        result.table,
        result.column ?? null,
        scope.from ?? null,
        scope.to ?? null,
        result.severity,
        result.status,
        result.failingRows,
        result.checkedRows,
        result.threshold ?? null,
        JSON.stringify(result.sample),
        result.sql,
        result.message,
        sqlTimestamp(result.startedAt),
        result.durationMs,
      ],
    });
  }

  /** What was written so far (a run's fixed costs, measured). */
  stats(): AuditWriteStats {
    return { ...this.writeStats };
  }

  /** Waits for every queued write; throws the first audit write that failed. */
  async flush(): Promise<void> {
    this.writeNow();
    await this.queue;
    if (this.failure !== undefined) throw this.failure;
  }

  /** A write the caller waits for: its batch (with what was queued before it) goes without delay. */
  private writeAtOnce(sql: string, params: SqlValue[]): Promise<void> {
    const written = this.write({ kind: 'statement', sql, params });
    this.writeNow();
    return written;
  }

  private write(write: AuditWrite): Promise<void> {
    this.pending.push(write);
    this.writeStats.writes += 1;
    // The first write queued since the last batch started schedules the next batch, which starts
    // once the one before it is written and BATCH_DELAY_MS have passed; later ones join it until
    // it starts.
    if (this.pending.length === 1) {
      const due = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, BATCH_DELAY_MS);
        this.writeNow = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.queue = this.queue.then(() => due).then(() => this.writeBatch());
    }
    return this.queue;
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const started = performance.now();
    try {
      await this.writeStatements(batch);
    } finally {
      this.writeStats.batches += 1;
      this.writeStats.ms += performance.now() - started;
    }
  }

  private async writeStatements(batch: readonly AuditWrite[]): Promise<void> {
    try {
      const statements = batchStatements(this.engine.dialect, batch);
      this.writeStats.statements += statements.length;
      if (statements.length === 1) {
        const [only] = statements as [Statement];
        await this.engine.execute(only.sql, only.params);
        return;
      }
      await this.engine.withSession((session) =>
        session.transaction(async (tx) => {
          for (const { sql, params } of statements) await tx.execute(sql, params);
        }),
      );
    } catch (error) {
      if (batch.length === 1) {
        this.failure ??= error;
        return;
      }
      // One write at a time, each its own statement: a bad row loses only itself.
      for (const write of batch) {
        try {
          const { sql, params } = writeAlone(this.engine.dialect, write);
          this.writeStats.statements += 1;
          await this.engine.execute(sql, params);
        } catch (single) {
          this.failure ??= single;
        }
      }
    }
  }
}
