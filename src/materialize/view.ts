import { type MaterializationPlan, type RenderInput, dropExisting } from './plan.ts';

export function renderView({ model, selectSql, facts, dialect }: RenderInput): MaterializationPlan {
  const replacingTable = facts.existing?.kind === 'table';
  return {
    steps: [
      ...(replacingTable ? dropExisting(dialect, model.target, facts.existing) : []),
      ...dialect.replaceView(model.target, selectSql).map((sql) => ({ kind: 'exec' as const, sql })),
    ],
  };
}
