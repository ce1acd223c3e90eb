import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors/strata-error.ts';
import { type Graph, buildGraph } from './graph.ts';
import { selectNodes } from './select.ts';
import type { ModelNode, ProjectNode } from './types.ts';

function model(name: string, refs: string[] = []): ModelNode {
  return {
    kind: 'model',
    name,
    target: { schema: 'warehouse', name },
    file: `models/${name}.sql`,
    config: { materialized: 'view', uniqueKey: [], trackedColumns: [], columns: {}, checks: [], tags: [] },
    segments: [],
    refs: refs.map((ref, i) => ({ name: ref, line: i + 1, column: 1 })),
    bodyLine: 1,
  };
}

/**
 *   orders (seed) → stg_orders → fct_orders → agg_daily
 *                                     ↑
 *   customers (seed) → stg_customers ─┘         other (alone)
 */
const nodes: ProjectNode[] = [
  {
    kind: 'seed',
    name: 'orders',
    target: { schema: 'raw', name: 'orders' },
    file: 'seeds/orders.csv',
    path: '',
  },
  {
    kind: 'seed',
    name: 'customers',
    target: { schema: 'raw', name: 'customers' },
    file: 'seeds/customers.csv',
    path: '',
  },
  model('stg_orders', ['orders']),
  model('stg_customers', ['customers']),
  model('fct_orders', ['stg_orders', 'stg_customers']),
  model('agg_daily', ['fct_orders']),
  model('other'),
];
const built = buildGraph(nodes);
if (!built.graph) throw new Error('fixture graph is invalid');
const graph: Graph = built.graph;

const select = (...selectors: string[]) => [...selectNodes(graph, selectors)].sort();

describe('selectNodes', () => {
  it('selects everything when no selector is given', () => {
    expect(select()).toEqual(
      ['agg_daily', 'customers', 'fct_orders', 'orders', 'other', 'stg_customers', 'stg_orders'].sort(),
    );
    expect(select('', ' , ')).toEqual(select());
  });

  it('selects a node by name alone', () => {
    expect(select('fct_orders')).toEqual(['fct_orders']);
  });

  it('+name adds everything upstream, transitively', () => {
    expect(select('+fct_orders')).toEqual([
      'customers',
      'fct_orders',
      'orders',
      'stg_customers',
      'stg_orders',
    ]);
  });

  it('name+ adds everything downstream, transitively', () => {
    expect(select('stg_orders+')).toEqual(['agg_daily', 'fct_orders', 'stg_orders']);
    expect(select('orders+')).toEqual(['agg_daily', 'fct_orders', 'orders', 'stg_orders']);
  });

  it('+name+ adds both directions, but not the siblings of upstream nodes', () => {
    expect(select('+stg_orders+')).toEqual(['agg_daily', 'fct_orders', 'orders', 'stg_orders']);
  });

  it('takes entries separated by commas, spaces, or given separately, and merges them', () => {
    const expected = ['agg_daily', 'other', 'stg_customers'];
    expect(select('other,agg_daily, stg_customers')).toEqual(expected);
    expect(select('other agg_daily  stg_customers')).toEqual(expected);
    expect(select('other', 'agg_daily,stg_customers')).toEqual(expected);
    expect(select('other,other')).toEqual(['other']);
  });

  it('throws SELECTOR_UNKNOWN for a name that is neither model nor seed', () => {
    let caught: unknown;
    try {
      select('fct_order');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StrataError);
    expect(caught).toMatchObject({
      code: 'SELECTOR_UNKNOWN',
      message: '--select fct_order: no model or seed named "fct_order"',
      hint: 'Use a model name, +name for it and its upstream, name+ for it and its downstream.',
    });
  });

  it('reports every unknown entry in one error, even next to valid ones', () => {
    expect(() => select('other,nope,+missing+')).toThrow(
      expect.objectContaining({
        code: 'SELECTOR_UNKNOWN',
        message:
          '--select nope: no model or seed named "nope"; --select +missing+: no model or seed named "missing"',
      }),
    );
  });

  it('rejects malformed entries', () => {
    expect(() => select('++other')).toThrow(
      expect.objectContaining({
        code: 'SELECTOR_UNKNOWN',
        message: '--select ++other: no model or seed named "++other"',
      }),
    );
    expect(() => select('+')).toThrow(expect.objectContaining({ code: 'SELECTOR_UNKNOWN' }));
  });

  it('--exclude takes what its entries name out of the selection, in the same syntax', () => {
    const pick = (selectors: string[], exclude: string[]) =>
      [...selectNodes(graph, selectors, exclude)].sort();
    expect(pick([], ['orders'])).toEqual([
      'agg_daily',
      'customers',
      'fct_orders',
      'other',
      'stg_customers',
      'stg_orders',
    ]);
    expect(pick(['+fct_orders'], ['customers+'])).toEqual(['orders', 'stg_orders']);
    expect(pick(['stg_orders+'], ['agg_daily'])).toEqual(['fct_orders', 'stg_orders']);
  });

  it('refuses an unknown --exclude entry, and an exclusion that leaves nothing', () => {
    expect(() => selectNodes(graph, [], ['nope'])).toThrow(
      expect.objectContaining({
        code: 'SELECTOR_UNKNOWN',
        message: '--exclude nope: no model or seed named "nope"',
      }),
    );
    expect(() => selectNodes(graph, ['other'], ['other'])).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        message: '--exclude other leaves nothing of the selection to run',
      }),
    );
  });
});
