import type { Engine } from '../engine/types.ts';
import type { Alert } from './alert.ts';
import { formatNumber, toNumber, toText } from './sql-values.ts';

/** The rules that read one row about the run itself. */

export async function runFailedAlerts(engine: Engine, runId: string): Promise<Alert[]> {
  const { rows } = await engine.query(
    'SELECT status, error_code, error_message FROM audit.pipeline_runs WHERE run_id = $1',
    [runId],
  );
  const run = rows[0];
  if (!run || run.status === 'success') return [];
  const status = String(run.status);
  const errorCode = toText(run.error_code);
  const errorMessage = toText(run.error_message);
  const reason = [errorCode, errorMessage].filter(Boolean).join(': ') || 'no error was recorded';
  return [
    {
      rule: 'run_failed',
      subject: 'run',
      message: `Run ${runId} ended with status ${status}: ${reason}.`,
      details: { status, errorCode: errorCode ?? null, errorMessage: errorMessage ?? null },
    },
  ];
}

export async function runtimeAlerts(engine: Engine, runId: string, limitMinutes: number): Promise<Alert[]> {
  const { rows } = await engine.query('SELECT duration_ms FROM audit.pipeline_runs WHERE run_id = $1', [
    runId,
  ]);
  const durationMs = toNumber(rows[0]?.duration_ms);
  if (durationMs === undefined || durationMs <= limitMinutes * 60_000) return [];
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
  const { rows } = await engine.query(
    'SELECT quarantined, received FROM audit.daily_metrics WHERE run_id = $1',
    [runId],
  );
  const quarantined = toNumber(rows[0]?.quarantined);
  if (quarantined === undefined || quarantined <= limit) return [];
  const received = toNumber(rows[0]?.received) ?? null;
  const records = received === null ? 'records' : `of ${formatNumber(received)} records received`;
  return [
    {
      rule: 'quarantined',
      subject: 'run',
      message: `Run ${runId} quarantined ${formatNumber(quarantined)} ${records}, above the limit of ${formatNumber(limit)}.`,
      details: { quarantined, received, limit },
    },
  ];
}
