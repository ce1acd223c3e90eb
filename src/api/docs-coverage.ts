import type { DocsCoverage, DocsModel, DocsSeed, DocsSource } from '../docs/types.ts';
import { LINEAGE_COLUMNS } from './docs-nodes.ts';

/**
 * The documentation coverage: columns of models, seeds and sources with and without a
 * description (the columns strata adds to a source's table are not the project's to describe),
 * and models with a description.
 */
export function docsCoverage(
  sources: readonly DocsSource[],
  seeds: readonly DocsSeed[],
  models: readonly DocsModel[],
): DocsCoverage {
  const described = (text: string | null) => text !== null && text.trim() !== '';
  const columns = [
    ...sources
      .flatMap((source) => [source, ...(source.tables ?? [])])
      .flatMap((source) =>
        source.columns
          .filter((column) => !LINEAGE_COLUMNS.has(column.name))
          .map((column) => ({ node: source.name, column })),
      ),
    ...[...seeds, ...models].flatMap((node) => node.columns.map((column) => ({ node: node.name, column }))),
  ];
  const undocumented = columns
    .filter(({ column }) => !described(column.description))
    .map(({ node, column }) => ({ node, column: column.name }));
  return {
    columns: columns.length,
    described: columns.length - undocumented.length,
    undocumented,
    models: models.length,
    modelsDescribed: models.filter((model) => described(model.description)).length,
  };
}

/** The share of columns described, as a whole percentage (100 when there is no column). */
export function coveragePercent(coverage: DocsCoverage): number {
  return coverage.columns === 0 ? 100 : Math.floor((coverage.described / coverage.columns) * 100);
}
