import { describe, expect, it } from 'vitest';
import type { StrataError } from '../errors/strata-error.ts';
import { type Graph, buildGraph } from './graph.ts';
import type { ModelNode, ProjectNode, SeedNode } from './types.ts';

/** A model whose body refers to `refs`, each given as [name, line]; columns are always 6. */
function model(name: string, refs: [string, number][] = [], file = `models/${name}.sql`): ModelNode {
  return {
    kind: 'model',
    name,
    target: { schema: 'warehouse', name },
    file,
    config: {
      materialized: 'view',
      uniqueKey: [],
      trackedColumns: [],
      columns: {},
      checks: [],
      tags: [],
    },
    segments: [],
    refs: refs.map(([ref, line]) => ({ name: ref, line, column: 6 })),
    bodyLine: 1,
  };
}

function seed(name: string): SeedNode {
  return {
    kind: 'seed',
    name,
    target: { schema: 'raw', name },
    file: `seeds/${name}.csv`,
    path: `/project/seeds/${name}.csv`,
  };
}

function graphOf(nodes: ProjectNode[]): Graph {
  const { graph, problems } = buildGraph(nodes);
  expect(problems).toEqual([]);
  if (!graph) throw new Error('no graph');
  return graph;
}

function problemsOf(nodes: ProjectNode[]) {
  const { graph, problems } = buildGraph(nodes);
  expect(graph).toBeUndefined();
  return problems.map((p: StrataError) => ({
    code: p.code,
    message: p.message,
    ...p.location,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
}

describe('order', () => {
  it('puts every node after everything it depends on', () => {
    const graph = graphOf([
      model('fct_orders', [
        ['stg_orders', 2],
        ['dim_customers', 3],
      ]),
      model('dim_customers', [['stg_customers', 2]]),
      model('stg_orders', [['orders', 1]]),
      model('stg_customers', [['customers', 1]]),
      seed('orders'),
      seed('customers'),
    ]);
    expect(graph.order).toEqual([
      'customers',
      'orders',
      'stg_customers',
      'stg_orders',
      'dim_customers',
      'fct_orders',
    ]);
  });

  it('is stable: ties are broken by name, whatever the input order', () => {
    const nodes = [
      model('zeta'),
      model('alpha'),
      model('mid', [['alpha', 1]]),
      model('beta'),
      model('last', [
        ['mid', 1],
        ['zeta', 2],
      ]),
    ];
    const expected = ['alpha', 'beta', 'zeta', 'mid', 'last'];
    expect(graphOf(nodes).order).toEqual(expected);
    expect(graphOf([...nodes].reverse()).order).toEqual(expected);
  });

  it('is empty for an empty project', () => {
    expect(graphOf([]).order).toEqual([]);
  });
});

describe('upstream and downstream', () => {
  it('lists the direct neighbours of each node, sorted, each once', () => {
    const graph = graphOf([
      seed('orders'),
      model('stg_orders', [
        ['orders', 1],
        ['orders', 4],
      ]),
      model('fct_orders', [['stg_orders', 1]]),
      model('agg_daily', [
        ['stg_orders', 1],
        ['fct_orders', 2],
      ]),
    ]);
    expect(Object.fromEntries(graph.upstream)).toEqual({
      orders: [],
      stg_orders: ['orders'],
      fct_orders: ['stg_orders'],
      agg_daily: ['fct_orders', 'stg_orders'],
    });
    expect(Object.fromEntries(graph.downstream)).toEqual({
      orders: ['stg_orders'],
      stg_orders: ['agg_daily', 'fct_orders'],
      fct_orders: ['agg_daily'],
      agg_daily: [],
    });
    expect([...graph.nodes.keys()]).toEqual(['orders', 'stg_orders', 'fct_orders', 'agg_daily']);
  });
});

describe('reference problems', () => {
  it('reports an unknown ref at its file and line, suggesting a near name', () => {
    expect(problemsOf([model('stg_orders'), model('fct_orders', [['stg_order', 3]])])).toEqual([
      {
        code: 'REF_UNKNOWN',
        message: "ref('stg_order') names no model, seed or source",
        file: 'models/fct_orders.sql',
        line: 3,
        column: 6,
        model: 'fct_orders',
        hint: "Did you mean ref('stg_orders')?",
      },
    ]);
  });

  it('suggests the nearest of several candidates, and nothing when no name is close', () => {
    const nodes = [
      model('customers'),
      model('orders'),
      model('a', [
        ['ordrs', 1],
        ['completely_different', 2],
      ]),
    ];
    expect(problemsOf(nodes).map((p) => p.hint)).toEqual([
      "Did you mean ref('orders')?",
      'Create the model, or fix the name.',
    ]);
  });

  it('reports a model that refers to itself, pointing at {{ this }}', () => {
    expect(problemsOf([model('totals', [['totals', 5]])])).toEqual([
      {
        code: 'REF_CYCLE',
        message: '"totals" refers to itself',
        file: 'models/totals.sql',
        line: 5,
        column: 6,
        model: 'totals',
        hint: 'Use {{ this }} to read the model’s own table.',
      },
    ]);
  });

  it('reports a cycle of three models once, with its path and the line of the closing ref', () => {
    const nodes = [
      model('c', [['a', 7]]), // closes the cycle
      model('b', [['c', 3]]),
      model('a', [['b', 2]]),
      model('d', [['a', 1]]), // downstream of the cycle, not part of it
    ];
    expect(problemsOf(nodes)).toEqual([
      {
        code: 'REF_CYCLE',
        message: 'models refer to each other in a cycle: a → b → c → a',
        file: 'models/c.sql',
        line: 7,
        column: 6,
        model: 'c',
        hint: 'A model cannot depend on itself through others; break one of these references.',
      },
    ]);
  });

  it('reports two separate cycles each once', () => {
    const nodes = [
      model('a', [['b', 1]]),
      model('b', [['a', 2]]),
      model('x', [['y', 3]]),
      model('y', [['x', 4]]),
    ];
    expect(problemsOf(nodes).map((p) => [p.message, p.file, p.line])).toEqual([
      ['models refer to each other in a cycle: a → b → a', 'models/b.sql', 2],
      ['models refer to each other in a cycle: x → y → x', 'models/y.sql', 4],
    ]);
  });

  it('reports a model and a seed with the same name as MODEL_DUPLICATE', () => {
    expect(problemsOf([model('customers'), seed('customers')])).toEqual([
      {
        code: 'MODEL_DUPLICATE',
        message: '"customers" is defined twice: models/customers.sql and seeds/customers.csv',
        file: 'seeds/customers.csv',
        model: 'customers',
        hint: 'Names are global across models and seeds; rename one of them.',
      },
    ]);
  });

  it('reports two models with the same name in different folders', () => {
    const problems = problemsOf([
      model('orders', [], 'models/staging/orders.sql'),
      model('orders', [], 'models/marts/orders.sql'),
    ]);
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ['MODEL_DUPLICATE', '"orders" is defined twice: models/staging/orders.sql and models/marts/orders.sql'],
    ]);
  });

  it('does not report refs to models that exist but could not be parsed', () => {
    // Their own problems are reported by the parser; a second, misleading "unknown ref" would not help.
    const unparsed = new Set(['stg_customers']);
    const { problems } = buildGraph(
      [
        model('fct_orders', [
          ['stg_customers', 2],
          ['stg_custmers', 3],
        ]),
        model('stg_customers_v2'),
      ],
      unparsed,
    );
    expect(problems.map((p) => [p.code, p.message, p.location.line])).toEqual([
      ['REF_UNKNOWN', "ref('stg_custmers') names no model, seed or source", 3],
    ]);
    expect(buildGraph([model('fct_orders', [['stg_customers', 2]])], unparsed).problems).toEqual([]);
  });

  it('reports several unknown refs and a cycle together', () => {
    const nodes = [
      seed('orders'),
      model('stg_orders', [
        ['ordres', 2],
        ['payments', 3],
      ]),
      model('a', [['b', 1]]),
      model('b', [
        ['a', 2],
        ['stg_order', 4],
      ]),
    ];
    expect(problemsOf(nodes).map((p) => [p.code, p.file, p.line, p.hint])).toEqual([
      ['REF_UNKNOWN', 'models/stg_orders.sql', 2, "Did you mean ref('orders')?"],
      ['REF_UNKNOWN', 'models/stg_orders.sql', 3, 'Create the model, or fix the name.'],
      ['REF_UNKNOWN', 'models/b.sql', 4, "Did you mean ref('stg_orders')?"],
      [
        'REF_CYCLE',
        'models/b.sql',
        2,
        'A model cannot depend on itself through others; break one of these references.',
      ],
    ]);
  });
});
