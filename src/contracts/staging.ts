import { type ContractFields, valueColumn } from './contract-fields.ts';

/**
 * Marks the typed records that are not staged (a violation, or a duplicate that lost). A flag
 * rather than anti-joins where the staged rows are written: DuckDB then writes them as it goes,
 * where a join made it write them all at commit.
 */
export function unstage(typedRelation: string, invalidRelation: string, duplicatesRelation: string): string {
  return `UPDATE ${typedRelation} SET strata_staged = FALSE
WHERE record_key IN (SELECT record_key FROM ${invalidRelation} UNION ALL SELECT record_key FROM ${duplicatesRelation})`;
}

/** The staged rows: typed fields then lineage columns, of the typed records still marked staged. */
export function stagedRows(fields: ContractFields, typedRelation: string): string {
  const q = (name: string) => fields.dialect.quoteIdentifier(name);
  return `SELECT ${[
    ...fields.scalars.map(([name, field]) => `t.${valueColumn(fields, name, field)} AS ${q(name)}`),
    't.load_date',
    't.source_file AS _source_file',
    't.record_position AS _record_position',
    't.ingestion_id AS _ingestion_id',
  ].join(', ')}
FROM ${typedRelation} AS t WHERE t.strata_staged`;
}
