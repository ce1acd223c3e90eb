import type { Session } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Step } from '../materialize/plan.ts';

export interface RowCounts {
  rowsOut: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  /**
   * Rows the task appended to a table of another layer than its target's: a source's landed
   * records, appended to its raw table before it stages them (rowsOut counts the staged rows).
   */
  landed?: { schema: string; rows: number };
  /** A line for people about what the task did beyond rows (a source: files, quarantined, duplicates). */
  detail?: string;
  /** Where the task's time went, by phase (a source: fetchMs, landMs, stageMs). */
  timings?: Record<string, number>;
  /** Problems worth a warning though the task succeeded (a source: no file in the run's dates). */
  warnings?: StrataError[];
  /**
   * The task found nothing to change: its tables are exactly as before (a source with no new or
   * changed file). The run records it as skipped-unchanged (TASK_UNCHANGED), not as a failure.
   */
  unchanged?: true;
}

/**
 * Executes a materialisation's steps in one transaction; any failure rolls all of them back.
 * `signal` is checked before every step: cancelling the session only stops a statement that is
 * running, so an abort that lands between two statements would otherwise be lost.
 */
export async function executeSteps(
  session: Session,
  steps: readonly Step[],
  model: string,
  signal?: AbortSignal,
): Promise<RowCounts> {
  const counts: RowCounts = { rowsOut: 0, rowsInserted: 0, rowsUpdated: 0, rowsDeleted: 0 };
  let counted: number | undefined;
  await session.transaction(async (tx) => {
    for (const step of steps) {
      signal?.throwIfAborted();
      switch (step.kind) {
        case 'exec': {
          const { rowsAffected } = await tx.execute(step.sql);
          if (step.counts === 'inserted') counts.rowsInserted += rowsAffected;
          if (step.counts === 'updated') counts.rowsUpdated += rowsAffected;
          if (step.counts === 'deleted') counts.rowsDeleted += rowsAffected;
          break;
        }
        case 'count': {
          const { rows } = await tx.query(step.sql);
          counted = Number(rows[0]?.n ?? 0);
          break;
        }
        case 'analyze': {
          // A row replaced (deleted, then inserted again: the dates or keys a run rewrites) counts once.
          const replaced = Math.max(counts.rowsInserted, counts.rowsDeleted);
          const written = (counted ?? 0) + replaced + counts.rowsUpdated;
          if (written > 0) await tx.execute(step.sql, [written]);
          break;
        }
        case 'guard': {
          const { rows } = await tx.query(step.sql);
          if (rows.length > 0) {
            throw new StrataError(
              step.code,
              `${step.message}; for example ${JSON.stringify(rows.slice(0, 3))}`,
              {
                model,
                sql: step.sql,
                hint: step.hint,
              },
            );
          }
          break;
        }
      }
    }
  });
  counts.rowsOut = counted ?? counts.rowsInserted;
  if (counted !== undefined) counts.rowsInserted = counted;
  return counts;
}
