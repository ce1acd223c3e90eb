/**
 * Throughput and memory of `generate`: npx tsx src/generate/bench.mts [days] [scale] [domain] [defects]
 * Prints rows/s and peak RSS (sampled every 50 ms, plus process.resourceUsage().maxRSS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, type GenerateDomain } from './index.ts';

const days = Number(process.argv[2] ?? 30);
const scale = Number(process.argv[3] ?? 1);
const domain = (process.argv[4] ?? 'all') as GenerateDomain;
const defects = Number(process.argv[5] ?? 0.01);
const out = mkdtempSync(join(tmpdir(), 'strata-bench-'));
let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
try {
  const result = await generate({ domain, start: '2025-01-01', days, scale, seed: 1, defects, out });
  clearInterval(timer);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify(
      {
        days,
        scale,
        domain,
        defects,
        rows: result.rows,
        files: result.files,
        megabytes: Math.round(result.bytes / 1e6),
        seconds: Math.round(result.durationMs) / 1000,
        rowsPerSecond: result.rowsPerSecond,
        peakRssMb: Math.round(Math.max(peak, maxRss) / 1e6),
        feeds: result.feeds,
        defectCounts: result.defectCounts,
      },
      null,
      2,
    ),
  );
} finally {
  clearInterval(timer);
  rmSync(out, { recursive: true, force: true });
}
