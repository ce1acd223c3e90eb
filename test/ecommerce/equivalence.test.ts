/**
 * Clean generated data: a run per day, one run over the range, and the range then a full refresh
 * give identical staging, warehouse and marts (see equivalence-case.ts).
 */
import { describe } from 'vitest';
import { loadingOrderDoesNotMatter } from './equivalence-case.ts';

describe('e-commerce pack, clean data: the loading order does not matter', () => {
  loadingOrderDoesNotMatter({ start: '2025-03-01', days: 7, scale: 0.01, seed: 11, defects: 0 });
});
