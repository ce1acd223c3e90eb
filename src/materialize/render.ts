import { renderIncremental } from './incremental.ts';
import { renderIncrementalByKey } from './incremental-by-key.ts';
import type { MaterializationPlan, RenderInput } from './plan.ts';
import { renderScd2 } from './scd2.ts';
import { serverSteps } from './server-features.ts';
import { renderTable } from './table.ts';
import { renderUpsert } from './upsert.ts';
import { renderView } from './view.ts';

export function renderMaterialization(input: RenderInput): MaterializationPlan {
  const plan = renderSteps(input);
  return { steps: [...plan.steps, ...serverSteps(input)] };
}

function renderSteps(input: RenderInput): MaterializationPlan {
  switch (input.model.config.materialized) {
    case 'view':
      return renderView(input);
    case 'table':
      return renderTable(input);
    case 'incremental':
      return input.model.touched ? renderIncrementalByKey(input) : renderIncremental(input);
    case 'upsert':
      return renderUpsert(input);
    case 'scd2':
      return renderScd2(input);
  }
}
