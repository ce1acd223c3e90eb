/** The component of each name a page may hold (the inputs are drawn by inputs.ts). */
import type { ComponentName } from '../../dashboards/types.ts';
import type { Component, ComponentContext } from './component.ts';
import { Funnel } from './funnel.ts';
import { Heatmap } from './heatmap.ts';
import { Kpi } from './kpi.ts';
import { SeriesChart } from './series-charts.ts';
import { Table } from './table.ts';
import { Waterfall } from './waterfall.ts';

export const INPUTS: readonly ComponentName[] = ['DateRange', 'Dropdown'];

const COMPONENTS: Partial<Record<ComponentName, (context: ComponentContext) => Component>> = {
  KPI: (context) => new Kpi(context),
  LineChart: (context) => new SeriesChart(context, 'line'),
  BarChart: (context) => new SeriesChart(context, 'bar'),
  AreaChart: (context) => new SeriesChart(context, 'area'),
  Waterfall: (context) => new Waterfall(context),
  Heatmap: (context) => new Heatmap(context),
  Funnel: (context) => new Funnel(context),
  Table: (context) => new Table(context),
};

/** The component for a block, or undefined for a name this code does not draw. */
export function createComponent(context: ComponentContext): Component | undefined {
  return COMPONENTS[context.block.component]?.(context);
}
