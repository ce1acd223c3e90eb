import type { Engine, Session } from '../engine/types.ts';
import type { MaterializationFacts } from '../materialize/plan.ts';
import type { DateWindow } from '../materialize/render-select.ts';
import { subquery } from '../materialize/render-select.ts';
import { dateLiteral } from '../time/dates.ts';
import type { ModelNode } from '../models/types.ts';
import { type RunCatalogue, warehouseLookup } from './run-catalogue.ts';

/**
 * Asks the warehouse what a materialisation needs to know — does the table exist, with which
 * columns, which dates are loaded — so that rendering itself stays pure.
 */
export async function gatherFacts(
  engine: Engine,
  session: Session,
  model: ModelNode,
  selectSql: string,
  window: DateWindow,
  options: { fullRefresh: boolean; runDate: string; catalogue?: RunCatalogue },
): Promise<MaterializationFacts> {
  const d = engine.dialect;
  const lookup = warehouseLookup(engine, options.catalogue);
  const found = await lookup.find(model.target.schema, model.target.name);
  const { materialized } = model.config;
  // A view or table is created from its SELECT as it is: only a materialisation that merges into
  // an existing table (or a distribution column to check) needs the columns on both sides.
  const replaces = (materialized === 'view' || materialized === 'table') && !model.config.distributionColumn;
  const existing = found
    ? { kind: found.kind, columns: replaces ? [] : await lookup.columns(model.target) }
    : undefined;
  const modelColumns = replaces ? [] : await engine.describeQuery(selectSql);
  const facts: MaterializationFacts = {
    existing,
    modelColumns,
    fullRefresh: options.fullRefresh,
    window,
    runDate: options.runDate,
  };
  const usable = existing?.kind === 'table' && !options.fullRefresh;
  // A table built by another materialisation (or before a column was renamed) may lack the column
  // asked about; rendering then reports SCHEMA_CHANGED instead of the query failing to bind.
  const hasColumn = (name: string) =>
    existing?.columns.some((c) => c.name.toLowerCase() === name.toLowerCase()) ?? false;
  const { loadDateColumn } = model.config;
  const firstDate = (sql: string) => dateOf(session, sql);

  if (
    materialized === 'incremental' &&
    usable &&
    !window.from &&
    loadDateColumn &&
    hasColumn(loadDateColumn)
  ) {
    facts.latestLoadedDate = await firstDate(
      `SELECT CAST(max(${d.quoteIdentifier(loadDateColumn)}) AS ${d.type('text')}) AS d FROM ${d.qualify(model.target)}`,
    );
  }
  if (materialized === 'scd2') {
    if (usable && hasColumn('strata_load_date')) {
      facts.latestSnapshotDate = await firstDate(latestSnapshotSql(engine, model));
    }
    if (loadDateColumn) {
      // The same start scd2ReplayFrom gave the SELECT as {{ date_from }}.
      const from = usable ? (window.from ?? facts.latestSnapshotDate) : undefined;
      const column = d.quoteIdentifier(loadDateColumn);
      const { rows } = await session.query(
        `SELECT DISTINCT CAST(CAST(${column} AS DATE) AS ${d.type('text')}) AS d FROM ${subquery(selectSql, 'model')}
         WHERE ${column} IS NOT NULL${from ? ` AND ${column} >= ${dateLiteral(from)}` : ''} ORDER BY 1`,
      );
      facts.snapshotDates = rows.map((r) => String(r.d));
    } else {
      facts.snapshotDates = [window.to ?? options.runDate];
    }
  }
  return facts;
}

/**
 * Where an SCD2 model with a load-date column replays from: the run's first date, or without one
 * the newest date already applied; nothing (every date) when its table is rebuilt (absent, a view,
 * or a full refresh). The runner renders the SELECT with this as {{ date_from }} and gatherFacts
 * replays from the same date, so a model may filter its rows by it and a day's run reads the day.
 */
export async function scd2ReplayFrom(
  engine: Engine,
  session: Session,
  model: ModelNode,
  window: DateWindow,
  fullRefresh: boolean,
  catalogue?: RunCatalogue,
): Promise<string | undefined> {
  if (fullRefresh) return undefined;
  const lookup = warehouseLookup(engine, catalogue);
  const found = await lookup.find(model.target.schema, model.target.name);
  if (found?.kind !== 'table') return undefined;
  if (window.from) return window.from;
  const columns = await lookup.columns(model.target);
  if (!columns.some((c) => c.name.toLowerCase() === 'strata_load_date')) return undefined;
  return dateOf(session, latestSnapshotSql(engine, model));
}

/** The date a one-row query answers as `d` (a date or timestamp as text), if any. */
async function dateOf(session: Session, sql: string): Promise<string | undefined> {
  const { rows } = await session.query(sql);
  const value = rows[0]?.d;
  return value === null || value === undefined ? undefined : String(value).slice(0, 10);
}

function latestSnapshotSql(engine: Engine, model: ModelNode): string {
  const d = engine.dialect;
  return `SELECT CAST(max(strata_load_date) AS ${d.type('text')}) AS d FROM ${d.qualify(model.target)}`;
}
