import { describe, expect, it } from 'vitest';
import { categories, names, pivot, waterfall } from './rows.ts';

describe('pivot', () => {
  it('makes one series per y column', () => {
    const rows = [
      { d: '2025-01-02', a: 1, b: 2 },
      { d: '2025-01-01', a: 3, b: 4 },
    ];
    expect(pivot(rows, 'd', ['a', 'b'])).toEqual({
      categories: ['2025-01-01', '2025-01-02'],
      series: [
        { name: 'a', values: [3, 1] },
        { name: 'b', values: [4, 2] },
      ],
    });
  });

  it('splits by the series column, leaving gaps where a series has no row', () => {
    const rows = [
      { d: '2025-01-01', ch: 'web', v: 1 },
      { d: '2025-01-01', ch: 'store', v: 2 },
      { d: '2025-01-02', ch: 'web', v: 3 },
    ];
    expect(pivot(rows, 'd', ['v'], 'ch').series).toEqual([
      { name: 'web', values: [1, 3] },
      { name: 'store', values: [2, null] },
    ]);
  });

  it('keeps text categories in row order and sorts numbers', () => {
    expect(categories([{ x: 'b' }, { x: 'a' }, { x: 'b' }], 'x')).toEqual(['b', 'a']);
    expect(categories([{ x: 10 }, { x: 2 }], 'x')).toEqual(['2', '10']);
    expect(names(' a, b ,,c')).toEqual(['a', 'b', 'c']);
  });
});

describe('waterfall', () => {
  it('floats each change on the running total and closes with the total', () => {
    const rows = [
      { s: 'start', v: 100 },
      { s: 'new', v: 20 },
      { s: 'churn', v: -30 },
    ];
    expect(waterfall(rows, 's', 'v', 'end')).toEqual({
      categories: ['start', 'new', 'churn', 'end'],
      base: [0, 100, 90, 0],
      up: [100, 20, null, null],
      down: [null, null, 30, null],
      changes: [100, 20, -30, 90],
      end: 90,
    });
  });
});
