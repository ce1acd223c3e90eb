import { type QuarantineFilter, type QuarantinedRecord, listBadRecords } from '../audit/bad-records.ts';
import { ensureAuditSchema } from '../audit/recorder.ts';
import { type ProjectOptions, withProject } from './open-project.ts';

export type { QuarantinedRecord };

export interface QuarantineRequest extends ProjectOptions, QuarantineFilter {}

/**
 * Quarantined records with the reason for each, newest load dates first. A record stays in the
 * quarantine (audit.bad_records) for good; once a fixed contract (or a corrected file) lets it
 * through on a later run — `strata run --from D --to D --select <source>+` replays dates from the
 * raw layer — it is marked resolved by that run.
 */
export async function listQuarantine(request: QuarantineRequest): Promise<QuarantinedRecord[]> {
  return withProject(request, async (_project, engine) => {
    await ensureAuditSchema(engine);
    return listBadRecords(engine, request);
  });
}
