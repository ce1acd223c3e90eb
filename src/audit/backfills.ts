import type { Engine } from '../engine/types.ts';
import { sqlTimestamp } from '../time/timestamps.ts';
import type { BackfillChunkStatus, BackfillStatus } from './schema.ts';
import { type AuditReader, type AuditWriter, nullableNumber, nullableString, utcIso } from './values.ts';

/**
 * The ledger of `strata backfill`: audit.backfills (one row per backfill) and
 * audit.backfill_chunks (one row per chunk of consecutive dates, each run as one pipeline run).
 */

export interface BackfillChunk {
  /** 1, 2, ... in date order. */
  chunk: number;
  from: string;
  to: string;
  status: BackfillChunkStatus;
  runId: string | null;
  error: string | null;
}

export interface Backfill {
  backfillId: string;
  from: string;
  to: string;
  chunkDays: number;
  /** The --select it was started with; null for every node. */
  selection: string[] | null;
  status: BackfillStatus;
  startedAt: string;
  finishedAt: string | null;
  pid: number | null;
  host: string | null;
  error: string | null;
  chunks: BackfillChunk[];
}

export interface NewBackfill {
  backfillId: string;
  from: string;
  to: string;
  chunkDays: number;
  selection: string[] | null;
  chunks: readonly { from: string; to: string }[];
  startedAt: Date;
}

/** Records a backfill and its chunks, all pending, in one transaction. */
export async function createBackfill(
  engine: Pick<Engine, 'withSession'>,
  backfill: NewBackfill,
  owner: { pid: number; host: string },
): Promise<void> {
  const at = sqlTimestamp(backfill.startedAt);
  await engine.withSession((session) =>
    session.transaction(async (tx) => {
      await tx.execute(
        `INSERT INTO audit.backfills (backfill_id, date_from, date_to, chunk_days, selection, status, chunks_total,
         started_at, updated_at, pid, host)
       VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE), $4, $5, 'running', $6, CAST($7 AS TIMESTAMP),
         CAST($7 AS TIMESTAMP), $8, $9)`,
        [
          backfill.backfillId,
          backfill.from,
          backfill.to,
          backfill.chunkDays,
          backfill.selection ? JSON.stringify(backfill.selection) : null,
          backfill.chunks.length,
          at,
          owner.pid,
          owner.host,
        ],
      );
      // One statement for every chunk: the dates as a VALUES list of parameters.
      const values: (string | number)[] = [backfill.backfillId];
      const rows = backfill.chunks.map((chunk, i) => {
        values.push(i + 1, chunk.from, chunk.to);
        const n = values.length;
        return `($1, $${n - 2}, CAST($${n - 1} AS DATE), CAST($${n} AS DATE), 'pending')`;
      });
      await tx.execute(
        `INSERT INTO audit.backfill_chunks (backfill_id, chunk, date_from, date_to, status) VALUES ${rows.join(', ')}`,
        values,
      );
    }),
  );
}

/** A backfill being taken up again (`--resume`): running, by this process, its error cleared. */
export async function reopenBackfill(
  db: AuditWriter,
  backfillId: string,
  at: Date,
  owner: { pid: number; host: string },
): Promise<void> {
  await db.execute(
    `UPDATE audit.backfills SET status = 'running', updated_at = CAST($2 AS TIMESTAMP), finished_at = NULL,
       pid = $3, host = $4, error_code = NULL, error_message = NULL
     WHERE backfill_id = $1`,
    [backfillId, sqlTimestamp(at), owner.pid, owner.host],
  );
}

/** A chunk's run starting, or its end (with the run that ran it and, when it did not succeed, why). */
export async function recordChunk(
  db: AuditWriter,
  backfillId: string,
  chunk: number,
  update: {
    status: BackfillChunkStatus;
    at: Date;
    runId?: string;
    error?: { code: string; message: string };
  },
): Promise<void> {
  const at = sqlTimestamp(update.at);
  // Starting sets started_at and clears what an earlier try left; ending sets finished_at.
  const times =
    update.status === 'running'
      ? 'started_at = CAST($5 AS TIMESTAMP), finished_at = NULL'
      : 'finished_at = CAST($5 AS TIMESTAMP)';
  await db.execute(
    `UPDATE audit.backfill_chunks SET status = $3, run_id = $4, ${times}, error_code = $6, error_message = $7
     WHERE backfill_id = $1 AND chunk = $2`,
    [
      backfillId,
      chunk,
      update.status,
      update.runId ?? null,
      at,
      update.error?.code ?? null,
      update.error?.message ?? null,
    ],
  );
  await db.execute(`UPDATE audit.backfills SET updated_at = CAST($2 AS TIMESTAMP) WHERE backfill_id = $1`, [
    backfillId,
    at,
  ]);
}

/** The backfill's end: success, failed (a chunk failed) or interrupted. */
export async function finishBackfill(
  db: AuditWriter,
  backfillId: string,
  update: { status: Exclude<BackfillStatus, 'running'>; at: Date; error?: { code: string; message: string } },
): Promise<void> {
  await db.execute(
    `UPDATE audit.backfills SET status = $2, updated_at = CAST($3 AS TIMESTAMP), finished_at = CAST($3 AS TIMESTAMP),
       error_code = $4, error_message = $5
     WHERE backfill_id = $1`,
    [
      backfillId,
      update.status,
      sqlTimestamp(update.at),
      update.error?.code ?? null,
      update.error?.message ?? null,
    ],
  );
}

/** A backfill with its chunks in date order; null when none has that id. */
export async function findBackfill(db: AuditReader, backfillId: string): Promise<Backfill | null> {
  const text = db.dialect.type('text');
  const { rows } = await db.query(
    `SELECT backfill_id, CAST(date_from AS ${text}) AS date_from, CAST(date_to AS ${text}) AS date_to, chunk_days,
            selection, status, CAST(started_at AS ${text}) AS started_at, CAST(finished_at AS ${text}) AS finished_at,
            pid, host, error_message
     FROM audit.backfills WHERE backfill_id = $1`,
    [backfillId],
  );
  const row = rows[0];
  if (!row) return null;
  const chunks = await db.query(
    `SELECT chunk, CAST(date_from AS ${text}) AS date_from, CAST(date_to AS ${text}) AS date_to, status, run_id,
            error_message
     FROM audit.backfill_chunks WHERE backfill_id = $1 ORDER BY chunk`,
    [backfillId],
  );
  return {
    backfillId: String(row.backfill_id),
    from: String(row.date_from),
    to: String(row.date_to),
    chunkDays: Number(row.chunk_days),
    selection: row.selection == null ? null : (JSON.parse(String(row.selection)) as string[]),
    status: String(row.status) as BackfillStatus,
    startedAt: utcIso(row.started_at) as string,
    finishedAt: utcIso(row.finished_at),
    pid: nullableNumber(row.pid),
    host: nullableString(row.host),
    error: nullableString(row.error_message),
    chunks: chunks.rows.map((c) => ({
      chunk: Number(c.chunk),
      from: String(c.date_from),
      to: String(c.date_to),
      status: String(c.status) as BackfillChunkStatus,
      runId: nullableString(c.run_id),
      error: nullableString(c.error_message),
    })),
  };
}

/** The id of the newest backfill that has not succeeded (failed, interrupted, or left running); null if none. */
export async function newestUnfinishedBackfill(db: AuditReader): Promise<string | null> {
  const { rows } = await db.query(
    `SELECT backfill_id FROM audit.backfills WHERE status <> 'success'
     ORDER BY started_at DESC, backfill_id DESC LIMIT 1`,
  );
  return nullableString(rows[0]?.backfill_id);
}
