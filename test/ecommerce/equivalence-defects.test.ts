/**
 * Generated data with 1% defects (duplicates, bad records, orphans, late records, schema drift,
 * empty files, ...): a run per day, one run over the range, and the range then a full refresh give
 * identical staging, warehouse and marts (see equivalence-case.ts).
 */
import { describe } from 'vitest';
import { loadingOrderDoesNotMatter } from './equivalence-case.ts';

describe('e-commerce pack, 1% defects: the loading order does not matter', () => {
  loadingOrderDoesNotMatter({ start: '2025-03-01', days: 6, scale: 0.01, seed: 12, defects: 0.01 });
});
