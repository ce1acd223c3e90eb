import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDuckDb } from './duckdb-engine.ts';
import { duckDbMemorySettings, parseMemorySize } from './memory-budget.ts';

describe('the memory budget of engine.memoryLimit', () => {
  it('reads sizes as DuckDB does: KB/MB/GB in powers of 1000, KiB/MiB/GiB in powers of 1024', () => {
    expect(parseMemorySize('1GB')).toBe(1e9);
    expect(parseMemorySize('512MiB')).toBe(512 * 2 ** 20);
    expect(parseMemorySize('1.5 gb')).toBe(1.5e9);
    expect(parseMemorySize('lots')).toBeUndefined();
    expect(parseMemorySize(undefined)).toBeUndefined();
  });

  it("gives DuckDB's buffer manager a share of the budget and makes its allocator return memory sooner", () => {
    const settings = duckDbMemorySettings('1GB');
    expect(settings.memory_limit).toBe('600MB');
    expect(settings.allocator_background_threads).toBe('true');
    // 60% of 4 × 2^30 bytes, in whole kilobytes.
    expect(duckDbMemorySettings('4GiB').memory_limit).toBe('2576980KB');
  });

  it('opens a warehouse whose DuckDB holds that buffer pool limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-memory-'));
    const engine = await openDuckDb({ path: join(dir, 'w.duckdb'), memoryLimit: '1GB' });
    try {
      const { rows } = await engine.query(
        "SELECT current_setting('memory_limit') AS memory_limit, current_setting('allocator_flush_threshold') AS flush",
      );
      // DuckDB reports sizes in MiB: 60% of 1GB is 600,000,000 bytes, 572.2 MiB.
      expect(String(rows[0]?.memory_limit)).toBe('572.2 MiB');
      expect(String(rows[0]?.flush)).toBe('15.2 MiB');
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
