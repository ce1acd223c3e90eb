import type { Engine } from '../engine/types.ts';
import { renderMaterialization } from '../materialize/render.ts';
import { type DateWindow, renderSelect } from '../materialize/render-select.ts';
import type { Graph } from '../models/graph.ts';
import { type ProjectNode, isIncrementalByKey } from '../models/types.ts';
import { type RowCounts, executeSteps } from './execute-steps.ts';
import { gatherFacts, scd2ReplayFrom } from './gather-facts.ts';
import type { RunCatalogue } from './run-catalogue.ts';
import { byKeyInput } from './touched-keys.ts';
import { type SourceRunResult, ingestSource } from '../sources/ingest-source.ts';

export interface TaskRunContext {
  engine: Engine;
  graph: Graph;
  /** The project folder: source globs are relative to it. */
  root: string;
  runId: string;
  env: NodeJS.ProcessEnv;
  window: DateWindow;
  fullRefresh: boolean;
  /** A source with no file in the run's dates (or none at all) fails instead of warning. */
  strict: boolean;
  runDate: string;
  signal: AbortSignal;
  /** The run's clock: an HTTP source's "today" when the run names no dates, and when files were seen. */
  now: () => Date;
  /** The warehouse's tables as the run found them, read once for the run. */
  catalogue?: RunCatalogue;
  /**
   * Resolves when the task may write what an incremental-by-key model's touched SELECT reads: the
   * run's capture of those keys has run (touched-keys.ts touchedKeysCapture). Awaited by a model or
   * seed before it starts, by a source after landing its files and before staging them.
   */
  beforeWriting?: () => Promise<void>;
  /**
   * Did the node's definition (a source's config and contract) change since its newest successful
   * build? A source with no new file must still stage again when it did.
   */
  definitionChanged?: boolean;
}

/** Builds one node of the DAG — a seed load, a source's ingestion, or a model materialisation. */
export async function executeNode(node: ProjectNode, context: TaskRunContext): Promise<RowCounts> {
  const { engine, signal } = context;
  // A source reads its files and lands them in raw first (touched SELECTs do not read raw).
  if (node.kind !== 'source') await context.beforeWriting?.();
  return engine.withSession(async (session) => {
    const cancel = () => void session.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      if (node.kind === 'seed') {
        const { rows } = await session.transaction((tx) =>
          engine.bulkLoad({ target: node.target, path: node.path, format: 'csv', mode: 'replace' }, tx),
        );
        return { rowsOut: rows, rowsInserted: rows, rowsUpdated: 0, rowsDeleted: 0 };
      }
      if (node.kind === 'source') {
        const result = await ingestSource({
          engine,
          session,
          root: context.root,
          node,
          runId: context.runId,
          window: context.window,
          fullRefresh: context.fullRefresh,
          strict: context.strict,
          signal,
          now: context.now,
          env: context.env,
          ...(context.catalogue ? { catalogue: context.catalogue } : {}),
          ...(context.beforeWriting ? { beforeStaging: context.beforeWriting } : {}),
          ...(context.definitionChanged !== undefined
            ? { definitionChanged: context.definitionChanged }
            : {}),
        });
        return {
          rowsOut: result.staged,
          rowsInserted: result.staged,
          rowsUpdated: 0,
          rowsDeleted: 0,
          landed: { schema: node.raw.schema, rows: result.landed },
          detail: describeSourceRun(result),
          timings: result.timings,
          ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
          ...(result.unchanged ? { unchanged: true as const } : {}),
        };
      }
      const resolve = (name: string) => {
        const referenced = context.graph.tables.get(name);
        if (!referenced) throw new Error(`unresolved reference ${name} survived graph validation`);
        return referenced.target;
      };
      const replaysDates = node.config.materialized === 'scd2' && node.config.loadDateColumn !== undefined;
      const selectContext = {
        dialect: engine.dialect,
        resolve,
        dates: replaysDates
          ? scd2Dates(
              await scd2ReplayFrom(
                engine,
                session,
                node,
                context.window,
                context.fullRefresh,
                context.catalogue,
              ),
            )
          : selectDates(context.window, context.fullRefresh),
      };
      const selectSql = renderSelect(node, selectContext);
      const facts = await gatherFacts(engine, session, node, selectSql, context.window, {
        fullRefresh: context.fullRefresh,
        runDate: context.runDate,
        ...(context.catalogue ? { catalogue: context.catalogue } : {}),
      });
      const byKey = isIncrementalByKey(node)
        ? await byKeyInput(engine, node, selectContext, context.catalogue)
        : undefined;
      const plan = renderMaterialization({
        model: node,
        selectSql,
        facts,
        dialect: engine.dialect,
        capabilities: engine.capabilities,
        ...(byKey ? { byKey } : {}),
      });
      signal.throwIfAborted();
      return await executeSteps(session, plan.steps, node.name, signal);
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  });
}

/** The dates a model's SELECT sees as {{ date_from }}..{{ date_to }}: the run's; a full refresh rebuilds from every date. */
function selectDates(window: DateWindow, fullRefresh: boolean): DateWindow {
  return fullRefresh ? {} : window;
}

/**
 * An SCD2 model with a load-date column undoes everything from its replay start on and replays
 * that date and every later one, so its SELECT sees {{ date_from }} as that start (every date when
 * the table is rebuilt) and {{ date_to }} as open: cut off at the run's last date, the replay would
 * delete the versions of later dates without applying them again.
 */
function scd2Dates(replayFrom: string | undefined): DateWindow {
  return replayFrom ? { from: replayFrom } : {};
}

/** "3 files (1 new, 1 changed), 1,200 received, 1,000 staged, 150 quarantined, 50 duplicates[, 12 rounded]". */
function describeSourceRun(result: SourceRunResult): string {
  const files = result.filesNew + result.filesChanged + result.filesUnchanged + result.filesFailed;
  const changes = [
    result.filesNew ? `${result.filesNew} new` : '',
    result.filesChanged ? `${result.filesChanged} changed` : '',
    result.filesFailed ? `${result.filesFailed} failed` : '',
  ].filter(Boolean);
  const fetched = result.fetched
    ? `fetched ${result.fetched.pages} pages (${result.fetched.retries} retries), `
    : '';
  const counts = [
    `${count(result.received)} received`,
    `${count(result.staged)} staged`,
    `${count(result.quarantined)} quarantined`,
    `${count(result.duplicates)} duplicates`,
    // Only a contract with a field that rounds has anything to say here.
    ...(result.rounded ? [`${count(result.rounded)} rounded`] : []),
  ];
  return `${fetched}${count(files)} file${files === 1 ? '' : 's'}${changes.length ? ` (${changes.join(', ')})` : ''}, ${counts.join(', ')}`;
}

/** Counts as every other line shows them: 1,234. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
