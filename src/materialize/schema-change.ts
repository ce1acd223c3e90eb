import type { ColumnInfo } from '../engine/types.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { ModelNode } from '../models/types.ts';

/**
 * An incremental table keeps its history, so its columns cannot silently change: a model that now
 * selects other columns must be rebuilt on purpose with --full-refresh.
 */
export function assertSameColumns(
  model: ModelNode,
  modelColumns: readonly ColumnInfo[],
  tableColumns: readonly ColumnInfo[],
  bookkeeping: readonly string[] = [],
): void {
  const wanted = modelColumns.map((c) => c.name.toLowerCase()).sort();
  const have = tableColumns
    .map((c) => c.name.toLowerCase())
    .filter((name) => !bookkeeping.includes(name))
    .sort();
  const added = wanted.filter((c) => !have.includes(c));
  const removed = have.filter((c) => !wanted.includes(c));
  if (added.length === 0 && removed.length === 0) return;
  const parts = [
    added.length ? `new column(s) ${added.join(', ')}` : '',
    removed.length ? `missing column(s) ${removed.join(', ')}` : '',
  ].filter(Boolean);
  throw new StrataError(
    'SCHEMA_CHANGED',
    `${model.name} now selects ${parts.join(' and ')} compared with its table`,
    {
      file: model.file,
      model: model.name,
      hint: `Rebuild it from its sources: strata run --full-refresh --select ${model.name}+`,
    },
  );
}

export function assertHasColumns(
  model: ModelNode,
  modelColumns: readonly ColumnInfo[],
  columns: readonly string[],
  what: string,
): void {
  const names = new Set(modelColumns.map((c) => c.name.toLowerCase()));
  const missing = columns.filter((c) => !names.has(c.toLowerCase()));
  if (missing.length === 0) return;
  throw new StrataError(
    what === 'load_date_column' ? 'LOAD_DATE_MISSING' : 'MATERIALIZATION_REQUIREMENT',
    `${model.name}: ${what} ${missing.join(', ')} is not among the columns its SELECT returns`,
    {
      file: model.file,
      model: model.name,
      field: what,
      hint: `Select the column(s) or change ${what} in the header.`,
    },
  );
}
