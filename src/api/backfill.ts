import { hostname } from 'node:os';
import { processState } from '../audit/host-process.ts';
import {
  type Backfill,
  createBackfill,
  findBackfill,
  finishBackfill,
  newestUnfinishedBackfill,
  recordChunk,
  reopenBackfill,
} from '../audit/backfills.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import type { Engine } from '../engine/types.ts';
import { type SerializedError, StrataError, serializeError, toStrataError } from '../errors/strata-error.ts';
import { selectNodes } from '../models/select.ts';
import type { Project } from '../project/load-project.ts';
import {
  type BackfillOptions,
  chunkRange,
  newBackfillId,
  validateBackfill,
} from '../runner/backfill-plan.ts';
import type { RunEvent } from '../runner/events.ts';
import { type RunSummary, runPipeline } from '../runner/run-pipeline.ts';
import { type ProjectOptions, withProject } from './open-project.ts';
import { runExitCode } from './run.ts';

export type { Backfill, BackfillChunk } from '../audit/backfills.ts';

export interface BackfillRequest extends ProjectOptions, BackfillOptions {
  /** Tasks at once within each chunk's run (chunks themselves run one after another). */
  concurrency?: number;
  /** Interrupts the current chunk's run and stops the backfill, recorded `interrupted`. */
  signal?: AbortSignal;
  onEvent?: (event: BackfillEvent) => void;
  now?: () => Date;
}

/** What a backfill reports while it goes: its chunks, and each chunk's run events. */
export type BackfillEvent =
  | {
      type: 'backfill_started';
      backfillId: string;
      from: string;
      to: string;
      chunkDays: number;
      chunks: number;
      /** Chunks still to run (all of them unless resumed). */
      remaining: number;
      resumed: boolean;
    }
  | { type: 'chunk_started'; backfillId: string; chunk: number; chunks: number; from: string; to: string }
  | { type: 'run_event'; backfillId: string; chunk: number; event: RunEvent }
  | {
      type: 'chunk_finished';
      backfillId: string;
      chunk: number;
      chunks: number;
      from: string;
      to: string;
      status: 'success' | 'failed' | 'interrupted';
      runId: string | null;
      error?: SerializedError;
    }
  | {
      type: 'backfill_finished';
      backfillId: string;
      status: 'success' | 'failed' | 'interrupted';
      succeeded: number;
      chunks: number;
    };

export interface BackfillResponse {
  /** The backfill as its ledger now records it, chunks in date order. */
  backfill: Backfill;
  /** The runs this call made, one per chunk it reached, in date order. */
  runs: RunSummary[];
  /** 0 only when every chunk succeeded; 130 when interrupted; 1 when a chunk failed. */
  exitCode: number;
}

/**
 * `strata backfill`: runs a range of load dates as chunks of consecutive dates, one pipeline run
 * per chunk, in date order, with a ledger (audit.backfills, audit.backfill_chunks) so that it can
 * be resumed after a failure, a crash or an interruption. Chunks never run at once: a warehouse
 * takes one writer (the run lock), and a chunk builds on the dates before it (incremental and
 * snapshot models). A chunk that does not succeed stops the backfill: later chunks would build on
 * a gap. `--resume` continues from the first chunk that did not succeed.
 */
export async function backfill(request: BackfillRequest): Promise<BackfillResponse> {
  // Before the warehouse is opened, like `run`: a bad option is reported as itself.
  validateBackfill(request);
  const now = request.now ?? (() => new Date());
  const emit = request.onEvent ?? (() => undefined);
  return withProject(request, async (project, engine) => {
    await ensureAuditSchema(engine);
    const owner = { pid: process.pid, host: hostname() };
    const resumed = request.resume !== undefined && request.resume !== false;
    const backfillId = resumed ? await resumableBackfill(engine, request.resume) : newBackfillId(now());
    if (resumed) {
      await reopenBackfill(engine, backfillId, now(), owner);
    } else {
      const { from, to } = request as Required<Pick<BackfillOptions, 'from' | 'to'>>;
      const selection = request.select && request.select.length > 0 ? request.select : null;
      // An unknown name is refused before anything is recorded.
      if (selection) selectNodes(project.graph, selection);
      const chunkDays = request.chunkDays ?? 1;
      await createBackfill(
        engine,
        {
          backfillId,
          from,
          to,
          chunkDays,
          selection,
          chunks: chunkRange(from, to, chunkDays),
          startedAt: now(),
        },
        owner,
      );
    }
    const ledger = (await findBackfill(engine, backfillId)) as Backfill;
    const todo = ledger.chunks.filter((c) => c.status !== 'success');
    emit({
      type: 'backfill_started',
      backfillId,
      from: ledger.from,
      to: ledger.to,
      chunkDays: ledger.chunkDays,
      chunks: ledger.chunks.length,
      remaining: todo.length,
      resumed,
    });
    const runs = await runChunks(project, engine, ledger, todo, request).catch(async (thrown: unknown) => {
      // A chunk's run could not start: the backfill ends failed, with why, and the error goes on.
      const error = toStrataError(thrown);
      await finishBackfill(engine, backfillId, {
        status: 'failed',
        at: now(),
        error: { code: error.code, message: error.message },
      });
      throw thrown;
    });
    const last = runs.outcome;
    const succeeded = runs.status === 'success';
    await finishBackfill(engine, backfillId, {
      status: runs.status,
      at: now(),
      ...(succeeded || !last.error ? {} : { error: { code: last.error.code, message: last.error.message } }),
    });
    const finished = (await findBackfill(engine, backfillId)) as Backfill;
    emit({
      type: 'backfill_finished',
      backfillId,
      status: runs.status,
      succeeded: finished.chunks.filter((c) => c.status === 'success').length,
      chunks: finished.chunks.length,
    });
    return { backfill: finished, runs: runs.summaries, exitCode: runExitCode(runs.status) };
  });
}

/** The chunks' runs in date order, each recorded in the ledger as it starts and ends; stops at the first that does not succeed. */
async function runChunks(
  project: Project,
  engine: Engine,
  ledger: Backfill,
  todo: Backfill['chunks'],
  request: BackfillRequest,
): Promise<{
  status: 'success' | 'failed' | 'interrupted';
  summaries: RunSummary[];
  outcome: { error?: StrataError };
}> {
  const now = request.now ?? (() => new Date());
  const emit = request.onEvent ?? (() => undefined);
  const { backfillId } = ledger;
  const chunks = ledger.chunks.length;
  const summaries: RunSummary[] = [];
  for (const chunk of todo) {
    const where = { backfillId, chunk: chunk.chunk, chunks, from: chunk.from, to: chunk.to };
    let summary: RunSummary;
    await recordChunk(engine, backfillId, chunk.chunk, { status: 'running', at: now() });
    emit({ type: 'chunk_started', ...where });
    try {
      summary = await runPipeline(project, engine, {
        window: { from: chunk.from, to: chunk.to },
        ...(ledger.selection ? { select: ledger.selection } : {}),
        ...(request.concurrency === undefined ? {} : { concurrency: request.concurrency }),
        trigger: `backfill:${backfillId}`,
        command: 'backfill',
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.env ? { env: request.env } : {}),
        onEvent: (event) => emit({ type: 'run_event', backfillId, chunk: chunk.chunk, event }),
        now,
      });
    } catch (thrown) {
      // The chunk's run could not start (the lock is held, the signal came between two chunks).
      const error = toStrataError(thrown);
      const status = error.code === 'RUN_INTERRUPTED' ? 'interrupted' : 'failed';
      await recordChunk(engine, backfillId, chunk.chunk, { status, at: now(), error });
      emit({ type: 'chunk_finished', ...where, status, runId: null, error: serializeError(error) });
      if (status === 'interrupted') return { status, summaries, outcome: { error } };
      throw thrown;
    }
    summaries.push(summary);
    const error = summary.status === 'success' ? undefined : runError(summary);
    await recordChunk(engine, backfillId, chunk.chunk, {
      status: summary.status,
      at: now(),
      runId: summary.runId,
      ...(error ? { error } : {}),
    });
    emit({
      type: 'chunk_finished',
      ...where,
      status: summary.status,
      runId: summary.runId,
      ...(error ? { error: serializeError(error) } : {}),
    });
    if (error) return { status: summary.status as 'failed' | 'interrupted', summaries, outcome: { error } };
  }
  return { status: 'success', summaries, outcome: {} };
}

/** Why a chunk's run did not succeed: interrupted, or its first failed task. */
function runError(summary: RunSummary): StrataError {
  if (summary.status === 'interrupted') {
    return new StrataError('RUN_INTERRUPTED', `run ${summary.runId} was interrupted`);
  }
  const failed = summary.tasks.find((t) => t.status === 'failed');
  return new StrataError(
    failed?.error?.code ?? 'INTERNAL',
    `run ${summary.runId}: ${failed ? `${failed.task}: ${failed.error?.message ?? 'failed'}` : 'failed'}`,
  );
}

/** The backfill `--resume` takes up: the one named, or the newest that did not succeed. */
async function resumableBackfill(engine: Engine, resume: string | boolean | undefined): Promise<string> {
  const id = typeof resume === 'string' ? resume : await newestUnfinishedBackfill(engine);
  const found = id === null ? null : await findBackfill(engine, id);
  if (!found) {
    throw new StrataError(
      'BACKFILL_NOT_FOUND',
      typeof resume === 'string'
        ? `No backfill ${resume} is recorded in this warehouse`
        : 'No unfinished backfill to resume',
      { hint: 'Start one with `strata backfill --from D1 --to D2`.' },
    );
  }
  if (
    found.status === 'running' &&
    found.pid !== null &&
    found.pid !== process.pid &&
    processState(found.pid, found.host) === 'alive'
  ) {
    throw new StrataError(
      'RUN_LOCKED',
      `Backfill ${found.backfillId} is still running (process ${found.pid})`,
      {
        hint: 'Wait for it, or stop that process (Ctrl-C or SIGTERM records it interrupted), then resume.',
      },
    );
  }
  if (found.status === 'success') {
    throw new StrataError('BACKFILL_NOT_FOUND', `Backfill ${found.backfillId} has already succeeded`, {
      hint: 'Nothing is left to run; start a new one with `strata backfill --from D1 --to D2`.',
    });
  }
  return found.backfillId;
}
