/**
 * `engine.memoryLimit` is the memory the warehouse engine may hold in strata's process, not only
 * DuckDB's buffer pool. DuckDB's `memory_limit` bounds its buffer manager alone (DuckDB's
 * "Limits" page says so): readers' line buffers, per-thread state, and memory its allocator has
 * freed but not yet handed back to the system come on top, as does Node's own heap growing during
 * a run. On the e-commerce pack's full build (scale 1, `memoryLimit` 1GB) that put the process
 * 10–25% over the limit plus Node at its peak, when two large source tasks fill temporary tables
 * side by side. So DuckDB's buffer manager gets a share of the budget, and its allocator returns
 * freed memory in smaller, earlier steps. Measured by the bench (peak RSS of the full build, three
 * runs each, against 1GB + Node ≈ 1.15 GB): the whole 1GB as memory_limit 1.27 GiB; 70% with these
 * allocator settings 1.12–1.15 GB, one run over; 60% 1.02–1.08 GB, the full build no slower
 * within the bench's spread. Pure: no driver, no file system.
 */

/** The buffer manager's share of `engine.memoryLimit`. */
export const BUFFER_POOL_SHARE = 0.6;

/**
 * DuckDB's allocator settings that return freed memory to the system sooner (their defaults are
 * 128MB and 512MB, with no background thread): a large allocation after a bulk eviction no longer
 * finds the evicted blocks still resident.
 */
const ALLOCATOR_SETTINGS: Readonly<Record<string, string>> = {
  allocator_flush_threshold: '16MB',
  allocator_bulk_deallocation_flush_threshold: '64MB',
  allocator_background_threads: 'true',
};

const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i;

/** '1GB' → bytes, as DuckDB reads sizes: KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB of 1024. */
export function parseMemorySize(text: string | undefined): number | undefined {
  const match = SIZE.exec(text ?? '');
  if (!match) return undefined;
  const unit = (match[2] as string).toLowerCase();
  const power = { b: 0, kb: 1, mb: 2, gb: 3, tb: 4, kib: 1, mib: 2, gib: 3, tib: 4 }[unit] ?? 0;
  const base = unit.endsWith('ib') ? 1024 : 1000;
  return Number(match[1]) * base ** power;
}

/**
 * DuckDB's settings for a memory budget: `memory_limit` at the buffer pool's share (in whole
 * kilobytes, or megabytes when it is a whole number of them) and the allocator's thresholds. A text that is not a size is passed through as the
 * `memory_limit` for DuckDB to judge (the config schema refuses one before it gets here).
 */
export function duckDbMemorySettings(memoryLimit: string): Record<string, string> {
  const bytes = parseMemorySize(memoryLimit);
  if (bytes === undefined) return { memory_limit: memoryLimit };
  const kb = Math.max(1, Math.floor((bytes * BUFFER_POOL_SHARE) / 1000));
  const bufferPool = kb % 1000 === 0 ? `${kb / 1000}MB` : `${kb}KB`;
  return { memory_limit: bufferPool, ...ALLOCATOR_SETTINGS };
}
