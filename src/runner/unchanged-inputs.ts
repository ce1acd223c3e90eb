import type { BuildHistory } from '../audit/task-runs.ts';
import { TASK_UNCHANGED, isUnchangedSkip } from '../errors/codes.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { Graph } from '../models/graph.ts';
import type { ProjectNode } from '../models/types.ts';
import type { RowCounts } from './execute-steps.ts';
import { type PlannedTask, gateId } from './plan-tasks.ts';

/**
 * A task that ran and found nothing to change (a source with no new or changed file) is shown,
 * recorded and reported as skipped-unchanged: its reason (TASK_UNCHANGED); undefined for a task
 * that did something.
 */
export function foundUnchanged(taskId: string, rows: RowCounts): StrataError | undefined {
  if (!rows.unchanged) return undefined;
  return new StrataError(TASK_UNCHANGED, 'unchanged: no new or changed input since its last run', {
    model: taskId,
    hint: 'Its tables are exactly as before; what depends on it runs only if something else changed.',
  });
}

/** What a run knows before its tasks start, to tell which of them need not run. */
export interface UnchangedInputsFacts {
  graph: Graph;
  fullRefresh: boolean;
  /** The definition hash of every node of the run, and of every gate (by its task id). */
  hashes: ReadonlyMap<string, string>;
  /** Each task's build history for the run's dates (audit/task-runs.ts `buildHistory`). */
  history: ReadonlyMap<string, BuildHistory>;
  /** Does the node's table exist (as the run started)? A table dropped by hand is built again. */
  exists(node: ProjectNode): boolean;
}

/**
 * Which of a run's tasks need not run because nothing they read changed, and what each task that
 * ran did to its data. A build is skipped (TASK_UNCHANGED) when the run is not a full refresh, its
 * definition hash is the one of its newest successful build, a successful build with that hash
 * covered the run's dates (any, for a node whose data does not depend on them: `dependsOnDates`), and no upstream node changed its data since (in this run, or in runs
 * after that build). A gate is skipped when its node and everything its checks read did not
 * change in this run, its checks are the ones it ran last time, and it passed then. Sources always run: only they can tell
 * whether a file arrived (they return `RowCounts.unchanged` when none did).
 */
export class UnchangedInputs {
  /** Nodes settled in this run: did their data change? */
  private readonly changed = new Map<string, boolean>();

  constructor(private readonly facts: UnchangedInputsFacts) {}

  /** TASK_UNCHANGED when the task need not run; undefined when it must. */
  reason(task: PlannedTask): StrataError | undefined {
    const since =
      task.kind === 'checks' ? this.gateUnchangedSince(task) : this.buildUnchangedSince(task.node);
    if (since === undefined) return undefined;
    return new StrataError(TASK_UNCHANGED, `unchanged: inputs unchanged since run ${since}`, {
      model: task.id,
      hint: 'Nothing it reads changed since that run; `strata run --full-refresh` builds everything again.',
    });
  }

  /** The definition hash of a node of the run. */
  hashOf(node: ProjectNode): string | undefined {
    return this.facts.hashes.get(node.name);
  }

  /** The definition hash of a task: its node's, or a gate's checks'. */
  taskHash(task: PlannedTask): string | undefined {
    return this.facts.hashes.get(task.id);
  }

  /** Did the definition change since the node's newest successful build (or was it never built)? */
  definitionChanged(node: ProjectNode): boolean {
    return this.facts.history.get(node.name)?.definitionHash !== this.hashOf(node);
  }

  /** A build that was not run: its data is as it was. */
  skipped(node: ProjectNode): void {
    this.changed.set(node.name, false);
  }

  /**
   * Whether a build that ran changed its data, remembered for its downstream: not when it found
   * nothing to change, nor when an incremental or upsert wrote no row; a view when its definition
   * or anything it reads changed.
   */
  built(node: ProjectNode, rows: RowCounts): boolean {
    const changed = this.dataChanged(node, rows);
    this.changed.set(node.name, changed);
    return changed;
  }

  private dataChanged(node: ProjectNode, rows: RowCounts): boolean {
    if (rows.unchanged) return false;
    if (node.kind !== 'model') return true;
    const { materialized } = node.config;
    if (materialized === 'view') {
      const history = this.facts.history.get(node.name);
      return (
        this.definitionChanged(node) ||
        this.upstream(node).some((name) => this.changedSince(name, history?.newestAt ?? null))
      );
    }
    const written = rows.rowsInserted + rows.rowsUpdated + rows.rowsDeleted;
    return !(['incremental', 'upsert'].includes(materialized) && written === 0);
  }

  private buildUnchangedSince(node: ProjectNode): string | undefined {
    if (this.facts.fullRefresh || node.kind === 'source' || !this.facts.exists(node)) return undefined;
    const history = this.facts.history.get(node.name);
    if (!history || this.definitionChanged(node)) return undefined;
    const [runId, since] = dependsOnDates(node)
      ? [history.coveringRunId, history.coveringAt]
      : [history.sameRunId, history.sameAt];
    if (!runId || !since) return undefined;
    return this.upstream(node).some((name) => this.changedSince(name, since)) ? undefined : runId;
  }

  private gateUnchangedSince(gate: Extract<PlannedTask, { kind: 'checks' }>): string | undefined {
    const { node } = gate;
    const history = this.facts.history.get(gateId(node.name));
    const passed =
      history?.newestStatus === 'success' || isUnchangedSkip(history?.newestStatus, history?.newestErrorCode);
    // A check added, removed or changed since runs the gate again.
    const sameChecks = history?.newestHash === this.facts.hashes.get(gate.id);
    if (!passed || !sameChecks || this.changed.get(node.name) !== false) return undefined;
    const reads = gate.checks
      .flatMap((check) => check.reads)
      .map((table) => this.facts.graph.tables.get(table)?.node ?? table);
    // Only what this run found unchanged: a read not in the run may have changed in any run since.
    if (reads.some((name) => this.changed.get(name) !== false)) return undefined;
    return history?.newestRunId ?? undefined;
  }

  /** Did a node's data change in this run, or in a run after `since` (unknown: yes)? */
  private changedSince(name: string, since: string | null): boolean {
    if (this.changed.get(name) === true) return true;
    const changedAt = this.facts.history.get(name)?.changedAt;
    if (!changedAt) return false;
    return since === null || Date.parse(changedAt) > Date.parse(since);
  }

  private upstream(node: ProjectNode): string[] {
    return this.facts.graph.upstream.get(node.name) ?? [];
  }
}

/**
 * Whether what a node builds depends on the run's dates: a seed's does not, nor does a view's or a
 * table's whose SQL names no date and not its own table; any build of it with the same definition
 * and inputs then covers every date.
 */
function dependsOnDates(node: ProjectNode): boolean {
  if (node.kind === 'seed') return false;
  if (node.kind === 'source') return true;
  if (node.config.materialized !== 'view' && node.config.materialized !== 'table') return true;
  return node.segments.some((s) => s.kind === 'date_from' || s.kind === 'date_to' || s.kind === 'this');
}
