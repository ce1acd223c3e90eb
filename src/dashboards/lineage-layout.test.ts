import { describe, expect, it } from 'vitest';
import { layeredLayout } from './lineage-layout.ts';

describe('layeredLayout', () => {
  it('puts each node one column after its deepest upstream node, and orders a column by its parents', () => {
    const upstream = new Map<string, string[]>([
      ['orders', []],
      ['customers', []],
      ['stg', ['orders']],
      ['dim', ['customers']],
      ['fact', ['stg', 'dim']],
      ['mart', ['fact', 'orders']],
      ['page', ['mart']],
    ]);
    const layout = layeredLayout([...upstream.keys()], upstream);
    expect(Object.fromEntries([...layout].map(([id, p]) => [id, [p.depth, p.order]]))).toEqual({
      customers: [0, 0],
      orders: [0, 1],
      dim: [1, 0],
      stg: [1, 1],
      fact: [2, 0],
      mart: [3, 0],
      page: [4, 0],
    });
  });

  it('ignores upstream names that are not nodes, and survives a cycle', () => {
    const layout = layeredLayout(
      ['a', 'b'],
      new Map([
        ['a', ['b', 'ghost']],
        ['b', ['a']],
      ]),
    );
    expect(layout.size).toBe(2);
    expect([...layout.values()].every((p) => p.depth >= 0)).toBe(true);
  });
});
