import { AuditRecorder, ensureAuditSchema } from '../audit/recorder.ts';
import type { Engine } from '../engine/types.ts';

/**
 * Runs `work` holding the warehouse's run lock, released however it ends. Under the lock the audit
 * schema is brought up to date and the runs a killed process left 'running' are marked abandoned:
 * both are writes only the one run allowed at a time may make.
 */
export async function underRunLock<T>(
  engine: Engine,
  now: () => Date,
  work: (recorder: AuditRecorder) => Promise<T>,
): Promise<T> {
  const lock = await engine.acquireRunLock();
  try {
    await ensureAuditSchema(engine);
    const recorder = new AuditRecorder(engine);
    await recorder.markAbandonedRuns(now());
    return await work(recorder);
  } finally {
    await lock.release();
  }
}
