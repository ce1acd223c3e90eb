import type { ComponentName } from './types.ts';

/** How one attribute of a component is read. */
type AttributeKind =
  /** Names a query of the page. */
  | 'query'
  /** Names one column of the component's query. */
  | 'column'
  /** Names one or more columns, comma-separated. */
  | 'columns'
  /** A bare attribute (`stacked`). */
  | 'flag'
  | 'text'
  | 'format'
  | 'positive_integer'
  /** An input's name (a SQL-safe word). */
  | 'name'
  /** A DateRange's default: a number of days or `all`. */
  | 'days'
  /** Which way a KPI's change is good: `up` (default) or `down` (a churn rate). */
  | 'direction';

interface ComponentSpec {
  required: readonly string[];
  attributes: Readonly<Record<string, AttributeKind>>;
  input?: 'date_range' | 'dropdown';
}

export const FORMATS = ['number', 'integer', 'currency', 'percent', 'days'] as const;

const chart = {
  data: 'query',
  x: 'column',
  y: 'columns',
  series: 'column',
  title: 'text',
  format: 'format',
} as const;

/** The components a page may use, what each needs and what each attribute means. */
export const COMPONENTS: Readonly<Record<ComponentName, ComponentSpec>> = {
  KPI: {
    required: ['data', 'value'],
    attributes: {
      data: 'query',
      value: 'column',
      compare: 'column',
      better: 'direction',
      title: 'text',
      format: 'format',
    },
  },
  LineChart: { required: ['data', 'x', 'y'], attributes: chart },
  BarChart: {
    required: ['data', 'x', 'y'],
    attributes: { ...chart, stacked: 'flag', horizontal: 'flag' },
  },
  AreaChart: { required: ['data', 'x', 'y'], attributes: chart },
  Waterfall: {
    required: ['data', 'x', 'y'],
    attributes: { data: 'query', x: 'column', y: 'column', total: 'text', title: 'text', format: 'format' },
  },
  Heatmap: {
    required: ['data', 'x', 'y', 'value'],
    attributes: {
      data: 'query',
      x: 'column',
      y: 'column',
      value: 'column',
      title: 'text',
      format: 'format',
    },
  },
  Funnel: {
    required: ['data', 'step', 'value'],
    attributes: { data: 'query', step: 'column', value: 'column', title: 'text' },
  },
  Table: {
    required: ['data'],
    attributes: {
      data: 'query',
      columns: 'columns',
      page_size: 'positive_integer',
      sort: 'text',
      title: 'text',
    },
  },
  DateRange: {
    required: ['name'],
    attributes: {
      name: 'name',
      data: 'query',
      min: 'column',
      max: 'column',
      default: 'days',
      label: 'text',
    },
    input: 'date_range',
  },
  Dropdown: {
    required: ['name', 'data', 'value'],
    attributes: { name: 'name', data: 'query', value: 'column', all: 'text', label: 'text' },
    input: 'dropdown',
  },
};

export function isComponentName(name: string): name is ComponentName {
  return Object.hasOwn(COMPONENTS, name);
}

/** A column list attribute's names (`a, b` → ['a', 'b']). */
export function columnList(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

export type { AttributeKind, ComponentSpec };
