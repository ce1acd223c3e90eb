import { runMetrics } from '../audit/daily-metrics.ts';
import { runOutcome } from '../audit/runs.ts';
import type { Engine } from '../engine/types.ts';
import type { Alert } from './alert.ts';
import { formatNumber } from './sql-values.ts';

/** The rules that read one row about the run itself. */

export async function runFailedAlerts(engine: Engine, runId: string): Promise<Alert[]> {
  const run = await runOutcome(engine, runId);
  if (!run || run.status === 'success') return [];
  const { status, errorCode, errorMessage } = run;
  const reason = [errorCode, errorMessage].filter(Boolean).join(': ') || 'no error was recorded';
  return [
    {
      rule: 'run_failed',
      subject: 'run',
      message: `Run ${runId} ended with status ${status}: ${reason}.`,
      details: { status, errorCode, errorMessage },
    },
  ];
}

export async function runtimeAlerts(engine: Engine, runId: string, limitMinutes: number): Promise<Alert[]> {
  const durationMs = (await runOutcome(engine, runId))?.durationMs ?? null;
  if (durationMs === null || durationMs <= limitMinutes * 60_000) return [];
  const minutes = durationMs / 60_000;
  return [
    {
      rule: 'runtime',
      subject: 'run',
      message: `Run ${runId} took ${formatNumber(minutes)} minutes, above the limit of ${formatNumber(limitMinutes)} minutes.`,
      details: { durationMs, limitMinutes },
    },
  ];
}

export async function quarantinedAlerts(engine: Engine, runId: string, limit: number): Promise<Alert[]> {
  const metrics = await runMetrics(engine, runId);
  if (!metrics || metrics.quarantined <= limit) return [];
  const { quarantined, received } = metrics;
  return [
    {
      rule: 'quarantined',
      subject: 'run',
      message: `Run ${runId} quarantined ${formatNumber(quarantined)} of ${formatNumber(received)} records received, above the limit of ${formatNumber(limit)}.`,
      details: { quarantined, received, limit },
    },
  ];
}
